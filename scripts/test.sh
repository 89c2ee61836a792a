#!/usr/bin/env bash
# Builds rosterd and runs every test (unit, integration, layering) with ctest.
# Run scripts/install-deps.sh once first on a new machine (scripts/bootstrap.sh does).
# Only one label: scripts/test.sh -L unit   or   scripts/test.sh -L integration
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build=${ROSTERD_BUILD_DIR:-build}
ctest --test-dir "$build" --output-on-failure --no-tests=error -j 2 "$@"
