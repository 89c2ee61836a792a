// alerts, resolve and import-existing: identity decisions a person makes (docs/identity.md).
#include <iostream>
#include <set>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/log.h"
#include "core/utf8.h"
#include "parsers/existing_students_reader.h"
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
  static const std::string usage =
      "rosterd alerts --config FILE [--feed NAME] [--all] [--format text|json]";
  const CommandLine cl(args, {"--config", "--feed", "--format"}, {"--all"});
  if (!cl.positional().empty()) throw UsageError("alerts takes no arguments. Usage: " + usage);
  const std::string format = format_option(cl);
  const Config config = load_config_option(cl, usage);
  std::string feed;
  if (const auto f = cl.value("--feed")) feed = config.feed(*f).name;
  std::set<std::string> feeds;  // whose decisions --apply applies
  const auto store = open_store(config);
  const std::vector<AlertRecord> list = store->identity().alerts(feed, cl.flag("--all"));
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
  static const std::string usage =
      "rosterd resolve --config FILE ALERT... (--match [--to ID] | --create) [--apply]\n"
      "       rosterd resolve --config FILE --run RUN (--all-match | --all-create) [--apply]\n"
      "       rosterd resolve --config FILE --feed NAME --apply";
  const CommandLine cl(args, {"--config", "--to", "--run", "--feed"},
                       {"--match", "--create", "--all-match", "--all-create", "--apply"});
  const Config config = load_config_option(cl, usage);
  const auto store = open_store(config);
  const std::string who = current_user();
  const bool match = cl.flag("--match"), create = cl.flag("--create");
  const bool all_match = cl.flag("--all-match"), all_create = cl.flag("--all-create");
  const std::string to = cl.value("--to").value_or("");
  std::string feed;
  if (const auto f = cl.value("--feed")) feed = config.feed(*f).name;
  std::set<std::string> feeds;  // whose decisions --apply applies

  if (const auto run_text = cl.value("--run")) {
    if (all_match == all_create || match || create || !cl.positional().empty() || !to.empty())
      throw UsageError("--run takes --all-match or --all-create, and no alert ids. Usage: " +
                       usage);
    const std::int64_t run_id = parse_run_id(*run_text);
    const auto run = store->runs().get(run_id);
    if (!run) throw Error("there is no run " + *run_text + ". 'rosterd history' lists the runs.");
    feed = run->feed;
    std::size_t decided = 0;
    if (run->state == RunState::held && run->plan.proposed_rekeys > 0) {
      for (const SafeguardTrip& t : run->trips) {
        if (all_match && t.name != "rekey_min_students") {
          throw Error("run " + *run_text + " is held by " + t.name + " too (" + t.explanation +
                      "): --all-match would commit that as well. Check the run ('rosterd show " +
                      *run_text + "') and approve it with 'rosterd approve " + *run_text +
                      "', or reject it.");
        }
      }
      if (all_match) {
        store->decisions().approve(run_id, who);
        out << "run " << run_id << " approved: " << run->plan.rekeyed
            << " students took their new state IDs.\n";
      } else {
        const std::size_t n = store->identity().reject_rekeys(run_id, who);
        out << "run " << run_id << " rejected: its " << n
            << " proposed re-keys will be added as new students by the next run (and the old "
               "IDs deactivated as absent).\n";
      }
    }
    for (const AlertRecord& a : store->identity().alerts(feed, false)) {
      if (a.run != run_id || a.status != AlertStatus::open) continue;
      if (all_match && a.alert.candidates.size() != 1) {
        out << "alert " << a.id << " has " << a.alert.candidates.size()
            << " candidates: left open (decide it with --to ID).\n";
        continue;
      }
      store->identity().resolve(a.id, all_match, "", who);
      ++decided;
    }
    if (decided != 0)
      out << decided << " alert(s) of run " << run_id
          << " decided: " << (all_match ? "match" : "create") << ".\n";
  } else if (!cl.positional().empty()) {
    if (match == create || all_match || all_create)
      throw UsageError("give --match or --create for alerts. Usage: " + usage);
    for (const std::string& text : cl.positional()) {
      const std::int64_t id = parse_run_id(text);
      store->identity().resolve(id, match, to, who);
      const auto a = store->identity().alert(id);
      feeds.insert(a->feed);
      out << "alert " << id << " decided: "
          << (match ? "match " + a->resolution_to + " (the new ID replaces the old)"
                    : std::string("create (a new student)"))
          << ".\n";
    }
  } else if (!cl.flag("--apply") || feed.empty()) {
    throw UsageError("nothing to resolve. Usage: " + usage);
  }
  if (!feed.empty()) feeds.insert(feed);

  if (!cl.flag("--apply")) {
    out << "Applied by the next run whose file has the row; add --apply to apply now.\n";
    return kExitClean;
  }
  // Every decided alert of the feed is applied, not only those named: decisions are applied
  // in one place, whoever made them.
  std::vector<std::string> skipped;
  for (const std::string& name : feeds) {
    const auto applied = store->identity().apply(name, who, skipped);
    if (!applied) {
      out << "Nothing was applied for feed " << name << ".\n";
      continue;
    }
    const auto r = store->runs().get(*applied);
    out << "applied as run " << *applied << ": " << r->plan.rekeyed << " given a new state ID, "
        << r->plan.added << " added (" << r->plan.linked << " linked to existing students).\n";
    log::info("identity.applied", {{"feed", name},
                                   {"run", std::to_string(*applied)},
                                   {"rekeyed", std::to_string(r->plan.rekeyed)},
                                   {"added", std::to_string(r->plan.added)}});
  }
  for (const std::string& s : skipped)
    out << "not applied: " << s << '\n';
  return skipped.empty() ? kExitClean : kExitDiscrepancies;
}

int run_student_command(const std::vector<std::string>& args, std::ostream& out) {
  static const std::string usage = "rosterd student --config FILE [--feed NAME] STATE_ID";
  const CommandLine cl(args, {"--config", "--feed"}, {});
  if (cl.positional().size() != 1) throw UsageError("student takes one state ID. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));
  const std::string& id = cl.positional()[0];
  const auto store = open_store(config);
  const auto s = store->students().record(feed.name, id);
  if (!s) {
    throw Error("feed " + feed.name + " has no student " + display_safe(id) +
                ". 'rosterd export' lists them; an open alert may hold a new ID ('rosterd "
                "alerts').");
  }
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
  static const std::string usage = "rosterd import-existing --config FILE --feed NAME FILE";
  const CommandLine cl(args, {"--config", "--feed"}, {});
  if (cl.positional().size() != 1)
    throw UsageError("import-existing takes one file. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  if (!cl.value("--feed")) throw UsageError("import-existing needs --feed NAME. Usage: " + usage);
  const FeedConfig& feed = config.feed(*cl.value("--feed"));
  const std::string path = cl.positional()[0];
  const ExistingFile file =
      read_existing_students(path, feed.format, feed.identity.existing_id_column);
  if (!file.problems.empty()) {
    std::string list;
    std::size_t shown = 0;
    for (const ExistingProblem& p : file.problems) {
      if (shown++ == 20) {
        list += "\n  ... and " + std::to_string(file.problems.size() - 20) + " more";
        break;
      }
      list += "\n  " + path + (p.line ? ":" + std::to_string(p.line) : std::string()) + ": " +
              (p.column.empty() ? "the row" : p.column) + " " + p.message;
    }
    throw Error("nothing was imported: " + std::to_string(file.problems.size()) +
                " problem(s) in the file. Correct them and import it again." + list);
  }
  std::vector<ExistingStudent> students;
  students.reserve(file.rows.size());
  std::size_t without_state_id = 0;
  for (const ExistingRow& r : file.rows) {
    ExistingStudent e;
    e.platform_id = r.platform_id;
    e.values.assign(r.values.begin(), r.values.end());
    if (e.values[field_index(Field::state_id)].empty()) ++without_state_id;
    students.push_back(std::move(e));
  }
  const auto store = open_store(config);
  const std::size_t n = store->identity().import_existing(feed.name, students);
  out << "imported " << n << " existing students for feed " << feed.name << " (" << without_state_id
      << " without a state ID). The first live file is matched against them by state ID, local "
         "ID, then name and birth date; its report lists what was linked, what needs a decision "
         "(rosterd alerts) and who was not matched.\n";
  log::info("identity.imported", {{"feed", feed.name}, {"students", std::to_string(n)}});
  return kExitClean;
}

}  // namespace rosterd
