// alerts, resolve and import-existing: identity decisions a person makes (docs/identity.md).
#include <iostream>
#include <set>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/log.h"
#include "core/utf8.h"
#include "ops/identity_actions.h"
#include "report/json_writer.h"

namespace rosterd {
namespace {

std::string decide_hint(const std::string& cfg, const AlertRecord& a) {
  if (a.status == AlertStatus::proposed && a.alert.kind == AlertKind::rekey) {
    return "part of held run " + std::to_string(a.run) + "'s proposed ID mapping: rosterd approve" +
           cfg + " " + std::to_string(a.run) + ", or rosterd resolve" + cfg + " --run " +
           std::to_string(a.run) + " --all-create";
  }
  if (a.status == AlertStatus::open) {
    std::string hint = "rosterd resolve" + cfg + " " + std::to_string(a.id) + " --match";
    if (a.alert.candidates.size() > 1) hint += " --to ID";
    return hint + " | --create";
  }
  if (a.is_decided()) {
    return "decided (" + std::string(alert_status_name(a.status)) +
           (a.resolution_to.empty() ? "" : " " + a.resolution_to) + " by " + a.decided_by +
           "): applied by the next run with the row, or now with "
           "rosterd resolve" +
           cfg + " --apply --feed " + a.feed;
  }
  return "";
}

void write_alerts_json(std::ostream& out, const std::vector<AlertRecord>& list) {
  JsonWriter w(out);
  w.begin_array(/*one_item_per_line=*/true);
  for (const AlertRecord& a : list) {
    w.begin_object();
    w.key("id");
    w.value(a.id);
    w.key("feed");
    w.value(a.feed);
    w.key("run");
    w.value(a.run);
    w.key("kind");
    w.value(alert_kind_name(a.alert.kind));
    w.key("status");
    w.value(alert_status_name(a.status));
    w.key("student_id");
    w.value(a.alert.state_id);
    w.key("line");
    w.value(a.alert.line);
    w.key("candidates");
    w.begin_array();
    for (const MatchCandidate& c : a.alert.candidates) {
      w.begin_object();
      w.key("id");
      w.value(c.id);
      w.key("score");
      w.value(static_cast<std::int64_t>(c.score));
      w.end_object();
    }
    w.end_array();
    w.key("resolution");
    w.value(a.resolution_to);
    w.key("decided_by");
    w.value(a.decided_by);
    w.end_object();
  }
  w.end_array();
  out << '\n';
}

}  // namespace

int run_alerts_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("alerts"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("alerts takes no arguments. Usage: " + usage);
  const std::string format = format_option(cl);
  const Config config = load_config_option(cl, usage);
  std::string feed;
  if (const auto f = cl.value("--feed")) feed = config.feed(*f).name;
  const auto store = open_store(config);
  const std::vector<AlertRecord> list = list_alerts(*store, feed, cl.flag("--all"));
  if (format == "json") {
    write_alerts_json(out, list);
    return kExitClean;
  }
  if (list.empty()) {
    out << "No open identity alerts" << (feed.empty() ? "" : " for feed " + feed) << ".\n";
    return kExitClean;
  }
  const std::string cfg = " --config " + config.file.string();
  for (const AlertRecord& a : list) {
    out << "alert " << a.id << " (" << a.feed << ", run " << a.run << ", "
        << alert_status_name(a.status) << ")\n";
    write_alert(out, a.alert, false, "  ");
    const std::string hint = decide_hint(cfg, a);
    if (!hint.empty()) out << "  -> " << hint << '\n';
  }
  return kExitClean;
}

int run_resolve_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("resolve"));
  const std::string usage = cl.usage();
  const Config config = load_config_option(cl, usage);
  const bool match = cl.flag("--match"), create = cl.flag("--create");
  const bool all_match = cl.flag("--all-match"), all_create = cl.flag("--all-create");
  ResolveRequest request;
  request.to = cl.value("--to").value_or("");
  request.apply = cl.flag("--apply");
  if (const auto f = cl.value("--feed")) request.feed = config.feed(*f).name;
  if (const auto run_text = cl.value("--run")) {
    if (all_match == all_create || match || create || !cl.positional().empty() ||
        !request.to.empty())
      throw UsageError("--run takes --all-match or --all-create, and no alert ids. Usage: " +
                       usage);
    request.run = parse_run_id(*run_text);
    request.match_all = all_match;
  } else if (!cl.positional().empty()) {
    if (match == create || all_match || all_create)
      throw UsageError("give --match or --create for alerts. Usage: " + usage);
    if (create && !request.to.empty()) throw UsageError("--to goes with --match only.");
    request.match = match;
    for (const std::string& text : cl.positional())
      request.alerts.push_back(parse_run_id(text));
  } else if (!request.apply || request.feed.empty()) {
    throw UsageError("nothing to resolve. Usage: " + usage);
  }
  const auto store = open_store(config);
  const ResolveResult r = resolve_alerts(*store, request, cli_actor(cl));

  if (r.rekeys_approved) {
    out << "run " << r.run << " approved: " << *r.rekeys_approved
        << " students took their new state IDs.\n";
  }
  if (r.rekeys_rejected) {
    out << "run " << r.run << " rejected: its " << *r.rekeys_rejected
        << " proposed re-keys will be added as new students by the next run (and the old "
           "IDs deactivated as absent).\n";
  }
  if (request.run) {
    for (const AlertRecord& a : r.left_open) {
      out << "alert " << a.id << " has " << a.alert.candidates.size()
          << " candidates: left open (decide it with --to ID).\n";
    }
    if (!r.decided.empty())
      out << r.decided.size() << " alert(s) of run " << r.run
          << " decided: " << (request.match_all ? "match" : "create") << ".\n";
  } else {
    for (const AlertRecord& a : r.decided) {
      out << "alert " << a.id << " decided: "
          << (request.match ? "match " + a.resolution_to + " (the new ID replaces the old)"
                            : std::string("create (a new student)"))
          << ".\n";
    }
  }
  if (!request.apply) {
    out << "Applied by the next run whose file has the row; add --apply to apply now.\n";
    return kExitClean;
  }
  for (const std::string& name : r.nothing_applied)
    out << "Nothing was applied for feed " << name << ".\n";
  for (const RunRecord& run : r.applied) {
    out << "applied as run " << run.id << ": " << run.plan.rekeyed << " given a new state ID, "
        << run.plan.added << " added (" << run.plan.linked << " linked to existing students).\n";
  }
  for (const std::string& s : r.skipped)
    out << "not applied: " << s << '\n';
  return r.skipped.empty() ? kExitClean : kExitDiscrepancies;
}

int run_student_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("student"));
  const std::string usage = cl.usage();
  if (cl.positional().size() != 1) throw UsageError("student takes one state ID. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));
  const std::string& id = cl.positional()[0];
  const auto store = open_store(config);
  const StudentRecord student = student_record(*store, feed.name, id);
  const StudentRecord* s = &student;
  out << "student " << display_safe(id) << " (feed " << feed.name << ")\n  "
      << person_line(s->values) << '\n';
  if (!s->platform_id.empty()) out << "  platform ID " << display_safe(s->platform_id) << '\n';
  for (const IdChange& k : s->earlier_ids) {
    out << "  was " << display_safe(k.old_id) << " until run " << k.run << " (" << k.changed
        << ")\n";
  }
  out << "  history:\n";
  for (const auto& [run, c] : s->changes) {
    out << "    run " << run << ": " << change_kind_name(c.kind);
    if (c.kind == ChangeKind::rekeyed && c.before) {
      out << " " << display_safe((*c.before)[field_index(Field::state_id)]) << " -> "
          << display_safe(c.state_id);
    } else if (c.kind == ChangeKind::added) {
      out << " as " << display_safe(c.state_id);
    } else if (c.changed_fields != 0) {
      std::string fields;
      for (std::size_t i = 0; i < kFieldCount; ++i) {
        if ((c.changed_fields & (1u << i)) != 0)
          fields += (fields.empty() ? "" : ", ") + std::string(field_name(static_cast<Field>(i)));
      }
      out << " (" << fields << ")";
    }
    out << '\n';
  }
  return kExitClean;
}

int run_import_existing_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("import-existing"));
  const std::string usage = cl.usage();
  if (cl.positional().size() != 1)
    throw UsageError("import-existing takes one file. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  if (!cl.value("--feed")) throw UsageError("import-existing needs --feed NAME. Usage: " + usage);
  const FeedConfig& feed = config.feed(*cl.value("--feed"));
  const ExistingImport imported = import_existing_students(config, feed, cl.positional()[0]);
  const std::size_t n = imported.students;
  const std::size_t without_state_id = imported.without_state_id;
  out << "imported " << n << " existing students for feed " << feed.name << " (" << without_state_id
      << " without a state ID). The first live file is matched against them by state ID, local "
         "ID, then name and birth date; its report lists what was linked, what needs a decision "
         "(rosterd alerts) and who was not matched.\n";
  return kExitClean;
}

}  // namespace rosterd
