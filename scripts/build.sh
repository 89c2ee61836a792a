#!/usr/bin/env bash
# Configures and builds rosterd with CMake and Ninja into ./build (or $ROSTERD_BUILD_DIR).
# Extra arguments go to cmake's configure step (e.g. -DROSTERD_SANITIZE=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ROSTERD_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DROSTERD_WERROR=ON "$@" >/dev/null
# Two cores: keep the build to two jobs so a test run beside it stays responsive.
cmake --build "$build" -j "${ROSTERD_JOBS:-2}"
