#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang-14 into build-fuzz and runs one of them:
#   scripts/fuzz.sh TARGET [SECONDS] [LIBFUZZER_FLAG...]
# TARGET is roster_reader, config, code_lists, local_name, reports, console_request,
# format_suggestion, zip_archive, roster_set, sds_set, oneroster_1_2_set, clever_set,
# contact_format, kind_file or layout_kinds;
# SECONDS defaults to 60.
# New inputs go to fuzz-work/TARGET (the seeds in fuzz/corpus/TARGET are only read), crashes
# and hangs to fuzz-work/artifacts/TARGET-*. Both folders are outside version control: copy a
# reproducer worth keeping into fuzz/findings/. Replay one with
#   build-fuzz/fuzz/fuzz_TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ]; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS] [LIBFUZZER_FLAG...]" >&2
  exit 2
fi
target=$1
seconds=${2:-60}
shift
if [ $# -gt 0 ]; then
  shift
fi
if [ ! -f "fuzz/fuzz_${target}.cc" ]; then
  echo "scripts/fuzz.sh: no fuzz target fuzz/fuzz_${target}.cc" >&2
  exit 2
fi

# The fuzz build's own compiler (Debian's clang-14 and its libFuzzer), installed on first use.
if ! command -v clang++-14 >/dev/null || [ ! -d /usr/lib/llvm-14/lib/clang ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "scripts/fuzz.sh: needs clang-14 and libclang-rt-14-dev: apt-get install clang-14 libclang-rt-14-dev" >&2
    exit 2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-14 \
    libclang-rt-14-dev >/dev/null
fi

build="build-fuzz"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DROSTERD_FUZZ=ON \
  -DROSTERD_BUILD_TESTS=OFF -DROSTERD_BUILD_BENCH=OFF >/dev/null
# Only the fuzz targets and the libraries they link, two jobs (two cores).
cmake --build "$build" -j "${ROSTERD_JOBS:-2}" --target "fuzz_${target}"

mkdir -p "fuzz-work/${target}" fuzz-work/artifacts
dict=()
if [ -f "fuzz/${target}.dict" ]; then
  dict=("-dict=fuzz/${target}.dict")
fi
# UBSan reports are findings too: stop at the first, with its stack, so libFuzzer saves the input.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# stdin is /dev/null: a configuration naming /dev/stdin must not wait for a terminal.
exec "$build/fuzz/fuzz_${target}" -max_total_time="$seconds" -print_final_stats=1 \
  -rss_limit_mb=2048 -timeout=10 -artifact_prefix="fuzz-work/artifacts/${target}-" "${dict[@]}" \
  "$@" "fuzz-work/${target}" "fuzz/corpus/${target}" </dev/null
