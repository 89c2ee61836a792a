#include "store/run_decisions.h"

#include <set>

#include "core/fault_point.h"
#include "core/text.h"
#include "store/committed_count.h"
#include "store/identity_tables.h"
#include "store/store_support.h"

namespace rosterd {

namespace {

// " (reason: ...)" when the person gave one.
std::string because(const Actor& by) {
  return by.reason.empty() ? std::string() : " (reason: " + by.reason + ")";
}

}  // namespace

void RunDecisions::approve(std::int64_t id, const Actor& by) {
  const std::string& who = by.who;
  Transaction tx(db_);
  const RunRecord r = runs_.held(id, "approve");
  const auto current = runs_.last_committed(r.feed);
  if (current != r.base_run) {
    throw Error(
        "run " + std::to_string(id) + " cannot be approved: it was planned against " +
        (r.base_run ? "run " + std::to_string(*r.base_run) : std::string("an empty roster")) +
        ", but run " + std::to_string(current.value_or(0)) +
        " has committed since, so its changes no longer apply. Reject it and ingest the file "
        "again.");
  }
  std::vector<Change> changes = runs_.changes(id);
  students_.apply_changes(r.feed, id, changes);
  for (const KindPlan& p : entities_.recorded(id))
    entities_.apply(r.feed, id, p);
  for (const Change& c : changes)
    if (c.kind == ChangeKind::removed) entities_.remove_student(r.feed, c.state_id);
  settle_run_alerts(db_, id);
  dismiss_stale_proposals(db_, r.feed, id);
  runs_.supersede_held(r.feed, id);
  // Committed runs keep additions in students.added_run only.
  Statement del(db_, "DELETE FROM run_changes WHERE run = ? AND kind = 'added'");
  del.bind(1, id).run();
  Statement up(db_,
               "UPDATE runs SET decision = 'committed', decided_by = ?, reason = ? WHERE id = ?");
  up.bind(1, who)
      .bind(2, r.reason + "; approved by " + who + " at " + now_utc(clock_) + because(by))
      .bind(3, id)
      .run();
  actions_.record(by, "approve", r.feed, id, std::nullopt, "committed");
  fault_point("store.approving");  // every write of the approval made, COMMIT not yet sent
  tx.commit();
}

void RunDecisions::reject(std::int64_t id, const Actor& by) {
  const std::string& who = by.who;
  Transaction tx(db_);
  const RunRecord r = runs_.held(id, "reject");
  dismiss_run_alerts(db_, id);
  Statement up(db_,
               "UPDATE runs SET decision = 'rejected', decided_by = ?, reason = ? WHERE id = ?");
  up.bind(1, who)
      .bind(2, r.reason + "; rejected by " + who + " at " + now_utc(clock_) + because(by))
      .bind(3, id)
      .run();
  actions_.record(by, "reject", r.feed, id, std::nullopt, "nothing committed");
  tx.commit();
}

std::int64_t RunDecisions::rollback(std::int64_t id, bool force, const Actor& by) {
  const std::string& who = by.who;
  Transaction tx(db_);
  const auto target = runs_.get(id);
  if (!target)
    throw NotFoundError(NotFoundError::What::run, "there is no run " + std::to_string(id) + ".");
  if (target->state != RunState::committed) {
    throw Error("run " + std::to_string(id) + " is " + std::string(run_state_name(target->state)) +
                ": only a committed run can be rolled back.");
  }
  if (target->rolled_back_by) {
    throw Error("run " + std::to_string(id) + " was already rolled back by run " +
                std::to_string(*target->rolled_back_by) + ".");
  }
  const std::vector<Change> changes = runs_.changes(id);
  // Later committed runs that touched the same students.
  std::vector<std::int64_t> conflicts;
  {
    // A later run that was itself rolled back, and the rollback that undid it, cancel out.
    Statement q(db_,
                "SELECT DISTINCT c.run FROM run_changes c JOIN runs r ON r.id = c.run "
                "WHERE c.state_id = ? AND c.run > ? AND r.feed = ? AND r.decision = 'committed' "
                "AND r.rolled_back_by IS NULL AND NOT (r.kind = 'rollback' AND r.target_run > ?) "
                "ORDER BY c.run");
    // A later re-key moved the student to another ID: its run_changes row has the new one.
    Statement rekeyed(db_,
                      "SELECT DISTINCT k.run FROM student_id_changes k JOIN runs r ON r.id = k.run "
                      "WHERE k.feed = ? AND (k.old_id = ? OR k.new_id = ?) AND k.run > ? AND "
                      "r.decision = 'committed' AND r.rolled_back_by IS NULL AND NOT (r.kind = "
                      "'rollback' AND r.target_run > ?)");
    std::set<std::int64_t> found;
    for (const Change& c : changes) {
      std::vector<std::string> ids{c.state_id};
      if (c.kind == ChangeKind::rekeyed && c.before)
        ids.push_back((*c.before)[field_index(Field::state_id)]);
      for (const std::string& sid : ids) {
        q.bind(1, sid).bind(2, id).bind(3, target->feed).bind(4, id);
        while (q.step())
          found.insert(q.integer(0));
        q.reset();
        rekeyed.bind(1, target->feed).bind(2, sid).bind(3, sid).bind(4, id).bind(5, id);
        while (rekeyed.step())
          found.insert(rekeyed.integer(0));
        rekeyed.reset();
      }
    }
    for (std::int64_t later : entities_.later_changes(target->feed, id))
      found.insert(later);
    conflicts.assign(found.begin(), found.end());
  }
  if (!conflicts.empty() && !force) {
    std::string list;
    for (std::int64_t c : conflicts)
      list += (list.empty() ? "" : ", ") + std::to_string(c);
    throw Error(
        "run " + std::to_string(id) + " cannot be rolled back: later committed run(s) " + list +
        " changed some of the same students or rows, and restoring run " + std::to_string(id) +
        "'s before-images would undo their changes too. Roll those back first, or force the "
        "rollback.");
  }

  const auto base = runs_.last_committed(target->feed);
  Statement ins(
      db_,
      "INSERT INTO runs (feed, kind, file_name, started, finished, decision, reason, "
      "base_run, target_run, "
      "decided_by) VALUES (?, 'rollback', ?, ?, ?, 'committed', ?, ?, ?, ?) RETURNING id");
  const std::string now = now_utc(clock_);
  ins.bind(1, target->feed)
      .bind(2, target->file_name)
      .bind(3, now)
      .bind(4, now)
      .bind(5, "rollback of run " + std::to_string(id) + " by " + who + (force ? " (forced)" : ""))
      .bind(6, base)
      .bind(7, id)
      .bind(8, who);
  const std::int64_t rollback_run = returned_id(ins);

  // Undo: restore before-images, remove additions. Record each as a change of the rollback run.
  std::vector<Change> undo;
  Statement remove(db_, "DELETE FROM students WHERE feed = ? AND state_id = ?");
  PlanCounts counts;
  for (const Change& c : changes) {
    const std::optional<std::vector<std::string>> now_values =
        students_.values(target->feed, c.state_id);
    Change u;
    u.state_id = c.state_id;
    u.before = now_values;
    if (c.kind == ChangeKind::rekeyed) {
      // Back to the old ID and values.
      if (!now_values || !c.before) continue;
      const std::string& old_id = (*c.before)[field_index(Field::state_id)];
      if (students_.values(target->feed, old_id)) {
        throw Error("run " + std::to_string(id) + " cannot be rolled back: it gave student " +
                    old_id + " the state ID " + c.state_id + ", and " + old_id +
                    " is in the roster again (a later run added it). Roll that run back first.");
      }
      u.kind = ChangeKind::rekeyed;
      u.state_id = old_id;
      u.set_after(*c.before);
      u.changed_fields = changed_mask(*now_values, u);
      std::vector<Change> one{u};
      students_.apply_changes(target->feed, rollback_run, one);
      ++counts.rekeyed;
      undo.push_back(std::move(u));
      continue;
    }
    if (!now_values) {
      // Forced past a later re-key: the student lives on under its new ID; never re-create it.
      Statement moved(db_,
                      "SELECT 1 FROM student_id_changes WHERE feed = ? AND old_id = ? AND run > ?");
      moved.bind(1, target->feed).bind(2, c.state_id).bind(3, id);
      if (moved.step()) continue;
    }
    if (c.kind == ChangeKind::added) {
      if (!now_values) continue;  // already gone
      remove.bind(1, target->feed).bind(2, c.state_id).run();
      count_students(db_, target->feed, -db_.changes());
      u.kind = ChangeKind::removed;
      u.changed_fields = static_cast<std::uint16_t>((1u << kFieldCount) - 1);
      ++counts.deactivated;
    } else {
      if (!c.before) continue;
      u.set_after(*c.before);
      const bool was_active = now_values && (*now_values)[field_index(Field::status)] == "A";
      const bool is_active = u.after(field_index(Field::status)) == "A";
      u.kind = was_active && !is_active   ? ChangeKind::deactivated
               : !was_active && is_active ? ChangeKind::reactivated
                                          : ChangeKind::updated;
      (u.kind == ChangeKind::deactivated   ? counts.deactivated
       : u.kind == ChangeKind::reactivated ? counts.reactivated
                                           : counts.updated)++;
      if (now_values) {
        std::vector<Change> one{u};
        one[0].kind = ChangeKind::updated;
        students_.apply_changes(target->feed, rollback_run, one);
      } else {
        // Removed since (a forced rollback of a later run): put it back.
        std::vector<Change> one{u};
        one[0].kind = ChangeKind::added;
        students_.apply_changes(target->feed, rollback_run, one);
      }
    }
    undo.push_back(std::move(u));
  }
  runs_.record_changes(rollback_run, undo, Decision::committed);
  entities_.revert(target->feed, rollback_run, id);
  Statement mark(db_, "UPDATE runs SET rolled_back_by = ? WHERE id = ?");
  mark.bind(1, rollback_run).bind(2, id).run();
  Statement cnt(db_,
                "UPDATE runs SET updated = ?, deactivated = ?, reactivated = ?, rekeyed = ? WHERE "
                "id = ?");
  cnt.bind(1, static_cast<std::int64_t>(counts.updated))
      .bind(2, static_cast<std::int64_t>(counts.deactivated))
      .bind(3, static_cast<std::int64_t>(counts.reactivated))
      .bind(4, static_cast<std::int64_t>(counts.rekeyed))
      .bind(5, rollback_run)
      .run();
  // Go-live links and outcomes the undone run made are pending again.
  Statement relink(db_,
                   "UPDATE existing_students SET outcome = 'pending', linked_state_id = '', run = "
                   "NULL WHERE feed = ? AND run = ?");
  relink.bind(1, target->feed).bind(2, id).run();
  dismiss_stale_proposals(db_, target->feed, rollback_run);
  runs_.supersede_held(target->feed, rollback_run);
  actions_.record(by, "rollback", target->feed, id, std::nullopt,
                  "undone by run " + std::to_string(rollback_run) + (force ? " (forced)" : ""));
  tx.commit();
  return rollback_run;
}

}  // namespace rosterd
