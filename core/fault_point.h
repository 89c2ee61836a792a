// Named steps at which a crash test can stop rosterd, the way a power cut, `kill -9` or systemd's
// SIGTERM would, deterministically instead of by a timed kill that may land anywhere.
//
// The environment variable ROSTERD_FAULT_AT=<step>[:KILL|:TERM|:STOP] arms one step (KILL when
// no signal is named). The first time the process reaches that step it logs
// `fault_point.reached` and sends itself the signal: SIGKILL ends it on the spot; SIGTERM asks
// it to stop, as systemd does, and the process goes on to handle it; SIGSTOP freezes it where
// it is, its connections and locks held, as a stalled machine would, until SIGCONT. Unset — always,
// outside tests — a fault point costs one comparison. docs/hardening.md lists the steps and what
// each test shows.
#pragma once

#include <string_view>

namespace rosterd {

void fault_point(std::string_view step);

}  // namespace rosterd
