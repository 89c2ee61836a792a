#!/usr/bin/env bash
# A fresh Debian 12 machine to a running rosterd in one command (run as root):
# installs the Debian packages, builds, and runs the main job on the bundled example: a check
# (test import), then the daemon's cycle once (`run --once`): the example roster is delivered to
# a local drop folder, taken once it is stable, checked, planned and recorded in the embedded
# SQLite store (a copy of conf/ in build/demo; the example feed is in test mode, so the run is a
# recorded dry run), then the run history.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
demo=build/demo
rm -rf "$demo"
mkdir -p "$demo"
cp -r conf/. "$demo/"
R=build/daemon/rosterd
# --as-of pins the date the example's birth dates were written for, so its age checks stay put.
run() {
  echo
  echo "== rosterd $*"
  set +e
  "$R" "$@"
  status=$?
  set -e
  case $status in
    0|1|4) ;;  # clean, discrepancies found (the example has some), held
    *) echo "bootstrap: rosterd $1 failed with exit status $status" >&2; exit "$status" ;;
  esac
}
run check --config "$demo/rosterd.example.yaml" --as-of 2026-11-23 examples/demo-roster.txt
mkdir -p "$demo/drop"
cp examples/demo-roster.txt "$demo/drop/"
run run --once --wait --config "$demo/rosterd.example.yaml" --as-of 2026-11-23
run history --config "$demo/rosterd.example.yaml"
echo
echo "bootstrap: ok. The example has discrepancies on purpose (exit status 1 above)."
echo "Binary: $R; store: $demo/rosterd.db; drop: $demo/drop. Try: $R show --config $demo/rosterd.example.yaml --format json 1"
