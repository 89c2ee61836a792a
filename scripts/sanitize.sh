#!/usr/bin/env bash
# The sanitizer pass (CI runs it after scripts/test.sh): rosterd and its tests built with
# AddressSanitizer and UndefinedBehaviorSanitizer into build-asan (or $ROSTERD_BUILD_DIR), then
# every ctest suite run on that build. Any sanitizer report fails the run.
# Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
export ROSTERD_BUILD_DIR=${ROSTERD_BUILD_DIR:-build-asan}
# -O1 and line tables only (-g1): the sanitizers' reports keep their file:line stacks, and the
# build takes far less time than at -O2 -g.
scripts/build.sh -DROSTERD_SANITIZE=ON -DROSTERD_BUILD_BENCH=OFF \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
# Leaks count; UBSan stops at the first report (the build also sets -fno-sanitize-recover).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$ROSTERD_BUILD_DIR" --output-on-failure --no-tests=error -j 2 "$@"
