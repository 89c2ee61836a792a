#include "core/poll_progress.h"

namespace rosterd {
namespace {

thread_local PollProgress* t_progress = nullptr;

}  // namespace

PollProgress* current_progress() {
  return t_progress;
}

ProgressScope::ProgressScope(PollProgress* progress) : before_(t_progress) {
  t_progress = progress;
}

ProgressScope::~ProgressScope() {
  t_progress = before_;
}

}  // namespace rosterd
