#include "planner/run_state.h"

#include <array>
#include <utility>

namespace rosterd {
namespace {

constexpr std::array<std::pair<RunKind, std::string_view>, 5> kKindNames = {{
    {RunKind::ingest, "ingest"},
    {RunKind::rollback, "rollback"},
    {RunKind::resolve, "resolve"},
    {RunKind::missing, "missing"},
    {RunKind::stale, "stale"},
}};

constexpr std::array<std::pair<RunState, std::string_view>, 9> kStateNames = {{
    {RunState::running, "running"},
    {RunState::committed, "committed"},
    {RunState::held, "held"},
    {RunState::dry_run, "dry-run"},
    {RunState::refused, "refused"},
    {RunState::rejected, "rejected"},
    {RunState::superseded, "superseded"},
    {RunState::failed, "failed"},
    {RunState::notice, "notice"},
}};

}  // namespace

std::string_view run_kind_name(RunKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "ingest";
}

std::optional<RunKind> run_kind_from_name(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string_view run_state_name(RunState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "failed";
}

std::optional<RunState> run_state_from_name(std::string_view name) {
  for (const auto& [s, n] : kStateNames) {
    if (n == name) return s;
  }
  if (name == "missing" || name == "stale") return RunState::notice;
  return std::nullopt;
}

RunState run_state_of(Decision decision) {
  switch (decision) {
    case Decision::committed:
      return RunState::committed;
    case Decision::held:
      return RunState::held;
    case Decision::dry_run:
      return RunState::dry_run;
    case Decision::refused:
      return RunState::refused;
  }
  return RunState::refused;
}

}  // namespace rosterd
