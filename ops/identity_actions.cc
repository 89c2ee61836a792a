#include "ops/identity_actions.h"

#include <set>

#include "core/log.h"
#include "core/utf8.h"
#include "parsers/existing_students_reader.h"
#include "pipeline/store_access.h"

namespace rosterd {

std::vector<AlertRecord> list_alerts(RosterStore& store, const std::string& feed, bool all) {
  return store.identity().alerts(feed, all);
}

ResolveResult resolve_alerts(RosterStore& store, const ResolveRequest& request, const Actor& by) {
  ResolveResult result;
  std::set<std::string> feeds;  // whose decisions `apply` applies
  if (!request.feed.empty()) feeds.insert(request.feed);
  if (request.run) {
    const std::int64_t run_id = *request.run;
    const auto run = store.runs().get(run_id);
    if (!run) {
      throw NotFoundError(NotFoundError::What::run,
                          "there is no run " + std::to_string(run_id) + ".");
    }
    result.run = run_id;
    feeds.insert(run->feed);
    if (run->state == RunState::held && run->plan.proposed_rekeys > 0) {
      for (const SafeguardTrip& t : run->trips) {
        if (request.match_all && t.name != "rekey_min_students") {
          throw Error("run " + std::to_string(run_id) + " is held by " + t.name + " too (" +
                      t.explanation +
                      "): matching all its alerts would commit that as well. Look at the run, "
                      "then approve it, or reject it.");
        }
      }
      if (request.match_all) {
        store.decisions().approve(run_id, by);
        result.rekeys_approved = run->plan.rekeyed;
      } else {
        result.rekeys_rejected = store.identity().reject_rekeys(run_id, by);
      }
    }
    for (const AlertRecord& a : store.identity().alerts(run->feed, false)) {
      if (a.run != run_id || a.status != AlertStatus::open) continue;
      if (request.match_all && a.alert.candidates.size() != 1) {
        result.left_open.push_back(a);
        continue;
      }
      store.identity().resolve(a.id, request.match_all, "", by);
      result.decided.push_back(*store.identity().alert(a.id));
    }
  } else {
    for (std::int64_t id : request.alerts) {
      store.identity().resolve(id, request.match, request.to, by);
      const auto a = store.identity().alert(id);
      feeds.insert(a->feed);
      result.decided.push_back(*a);
    }
  }
  if (!request.apply) return result;
  // Every decided alert of the feed is applied, not only those named: decisions are applied in
  // one place, whoever made them.
  for (const std::string& name : feeds) {
    const auto applied = store.identity().apply(name, by, result.skipped);
    if (!applied) {
      result.nothing_applied.push_back(name);
      continue;
    }
    const RunRecord r = *store.runs().get(*applied);
    log::info("identity.applied", {{"feed", name},
                                   {"run", std::to_string(*applied)},
                                   {"rekeyed", std::to_string(r.plan.rekeyed)},
                                   {"added", std::to_string(r.plan.added)}});
    result.applied.push_back(r);
  }
  return result;
}

StudentRecord student_record(RosterStore& store, const std::string& feed,
                             const std::string& state_id) {
  auto s = store.students().record(feed, state_id);
  if (!s) {
    throw NotFoundError(NotFoundError::What::student,
                        "feed " + feed + " has no student " + display_safe(state_id) + ".");
  }
  return std::move(*s);
}

ExistingImport import_existing_students(const Config& config, const FeedConfig& feed,
                                        const std::filesystem::path& path) {
  const ExistingFile file =
      read_existing_students(path.string(), feed.format, feed.identity.existing_id_column);
  if (!file.problems.empty()) {
    std::string list;
    std::size_t shown = 0;
    for (const ExistingProblem& p : file.problems) {
      if (shown++ == 20) {
        list += "\n  ... and " + std::to_string(file.problems.size() - 20) + " more";
        break;
      }
      list += "\n  " + path.string() + (p.line ? ":" + std::to_string(p.line) : std::string()) +
              ": " + (p.column.empty() ? "the row" : p.column) + " " + p.message;
    }
    throw Error("nothing was imported: " + std::to_string(file.problems.size()) +
                " problem(s) in the file. Correct them and import it again." + list);
  }
  std::vector<ExistingStudent> students;
  students.reserve(file.rows.size());
  ExistingImport result;
  for (const ExistingRow& r : file.rows) {
    ExistingStudent e;
    e.platform_id = r.platform_id;
    e.values.assign(r.values.begin(), r.values.end());
    if (e.values[field_index(Field::state_id)].empty()) ++result.without_state_id;
    students.push_back(std::move(e));
  }
  const auto store = open_store(config);
  result.students = store->identity().import_existing(feed.name, students);
  log::info("identity.imported",
            {{"feed", feed.name}, {"students", std::to_string(result.students)}});
  return result;
}

}  // namespace rosterd
