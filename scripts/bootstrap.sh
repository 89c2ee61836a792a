#!/usr/bin/env bash
# A fresh Debian 12 machine to a running rosterd in one command (run as root):
# installs the Debian packages, builds, and runs `rosterd check` on the bundled example roster
# with the example configuration (conf/rosterd.example.yaml, feed demo-isd: a test import that
# writes nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
echo
echo "== rosterd check --config conf/rosterd.example.yaml examples/demo-roster.txt"
set +e
# --as-of pins the date the example's birth dates were written for, so its age checks stay put.
build/daemon/rosterd check --config conf/rosterd.example.yaml --as-of 2026-11-23 examples/demo-roster.txt
status=$?
set -e
echo
case $status in
  0|1) echo "bootstrap: ok. rosterd check exited $status (1 = the example has discrepancies, as it should)."
       echo "Binary: build/daemon/rosterd. Try: build/daemon/rosterd check --config conf/rosterd.example.yaml --format json examples/demo-roster.txt" ;;
  *) echo "bootstrap: rosterd check failed with exit status $status" >&2; exit "$status" ;;
esac
