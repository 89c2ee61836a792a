#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/text.h"
#include "core/utf8.h"
#include "ops/run_actions.h"
#include "report/json_writer.h"

namespace rosterd {

namespace {

// One object a run, newest first: what the text shows, as fields a script reads.
void write_history_json(std::ostream& out, const std::vector<RunRecord>& runs,
                        const std::vector<std::vector<KindRunCounts>>& kinds) {
  JsonWriter w(out);
  w.begin_array(/*one_item_per_line=*/true);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunRecord& r = runs[i];
    w.begin_object();
    w.member("run", r.id);
    w.member("feed", r.feed);
    w.member("kind", run_kind_name(r.kind));
    w.member("state",
             r.state == RunState::notice ? run_kind_name(r.kind) : run_state_name(r.state));
    w.member("started", r.started);
    w.member("finished", r.finished);
    w.member("file", r.file_name);
    w.member("reason", r.reason);
    w.member("school_year", r.school_year);
    w.member("rows_read", r.check.rows_read);
    w.member("rows_rejected", r.check.rows_rejected);
    w.member("rows_warned", r.check.rows_warned);
    w.member("added", r.plan.added);
    w.member("updated", r.plan.updated);
    w.member("deactivated", r.plan.deactivated);
    w.member("reactivated", r.plan.reactivated);
    w.member("rekeyed", r.plan.rekeyed);
    w.member("decided_by", r.decided_by);
    w.key("rolled_back_by");
    if (r.rolled_back_by) {
      w.value(*r.rolled_back_by);
    } else {
      w.null();
    }
    for (const auto& [key, value] :
         {std::pair{"held_part", r.held_part}, {"split_of", r.split_of}}) {
      w.key(key);
      if (value) {
        w.value(*value);
      } else {
        w.null();
      }
    }
    w.key("kinds");
    w.begin_array();
    for (const KindRunCounts& k : kinds[i]) {
      w.begin_object();
      w.member("kind", kind_info(k.kind).name);
      w.member("rows_read", k.check.rows_read);
      w.member("rows_rejected", k.check.rows_rejected);
      w.member("rows_warned", k.check.rows_warned);
      w.member("added", k.plan.added);
      w.member("updated", k.plan.updated);
      w.member("deactivated", k.plan.deactivated);
      w.member("reactivated", k.plan.reactivated);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  out << '\n';
}

}  // namespace

int run_history_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("history"));
  const std::string usage = cl.usage();
  const std::string format = format_option(cl);
  if (!cl.positional().empty()) throw UsageError("history takes no file. Usage: " + usage);
  const std::size_t last = last_option(cl, 7, "runs");
  const Config config = load_config_option(cl, usage);
  std::string feed = cl.value("--feed").value_or("");
  if (!feed.empty()) config.feed(feed);  // refuses an unknown feed name
  const auto store = open_store(config);
  const auto runs = run_history(*store, feed, last);
  std::vector<std::vector<KindRunCounts>> kinds;
  for (const RunRecord& r : runs)
    kinds.push_back(run_kind_counts(*store, r.id));
  if (format == "json") {
    write_history_json(out, runs, kinds);
    return kExitClean;
  }
  if (runs.empty()) out << "No runs yet" << (feed.empty() ? "" : " for feed " + feed) << ".\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunRecord& r = runs[i];
    out << "run " << r.id << "  " << r.started << "  " << r.feed << "  "
        << (r.state == RunState::notice ? run_kind_name(r.kind) : run_state_name(r.state));
    if (r.kind == RunKind::missing) {
      out << "  no file for " << r.file_name << ": " << display_safe(r.reason) << '\n';
      continue;
    }
    if (r.kind == RunKind::stale) {
      out << "  stale feed: " << display_safe(r.reason) << '\n';
      continue;
    }
    if (r.kind == RunKind::rollback) {
      out << "  rollback of run " << r.target_run.value_or(0);
    } else if (r.kind == RunKind::resolve) {
      out << "  identity decisions applied by " << display_safe(r.decided_by);
    } else {
      out << "  " << display_safe(r.file_name) << "  rows " << group_thousands(r.check.rows_read)
          << ", rejected " << group_thousands(r.check.rows_rejected);
    }
    out << ", added " << group_thousands(r.plan.added) << ", updated "
        << group_thousands(r.plan.updated) << ", deactivated "
        << group_thousands(r.plan.deactivated) << ", reactivated "
        << group_thousands(r.plan.reactivated);
    if (r.plan.rekeyed != 0) out << ", re-keyed " << group_thousands(r.plan.rekeyed);
    if (r.plan.held_for_review != 0)
      out << ", held for review " << group_thousands(r.plan.held_for_review);
    if (r.plan.linked != 0) out << ", linked " << group_thousands(r.plan.linked);
    if (r.rolled_back_by) out << "  (rolled back by run " << *r.rolled_back_by << ")";
    out << '\n';
    // The other kinds the run took (docs/whole-roster.md), a line each.
    for (const KindRunCounts& k : kinds[i]) {
      out << "    " << kind_info(k.kind).name << ": rows " << group_thousands(k.check.rows_read)
          << ", rejected " << group_thousands(k.check.rows_rejected) << ", added "
          << group_thousands(k.plan.added) << ", updated " << group_thousands(k.plan.updated)
          << ", deactivated " << group_thousands(k.plan.deactivated) << ", reactivated "
          << group_thousands(k.plan.reactivated) << '\n';
    }
    // policy.on_trip hold_unsafe: the two halves of one file name each other.
    if (r.held_part)
      out << "    the changes a safeguard tripped on are held as run " << *r.held_part << '\n';
    if (r.split_of)
      out << "    the part of run " << *r.split_of << "'s file a safeguard held; run "
          << *r.split_of << " committed the rest\n";
    // Why nothing committed (a paused feed, a test feed), and a new year's file for what it is.
    if (r.state == RunState::dry_run && !r.reason.empty())
      out << "    " << display_safe(r.reason) << '\n';
    if (!r.school_year.empty()) out << "    " << display_safe(r.school_year) << '\n';
  }
  return kExitClean;
}

}  // namespace rosterd
