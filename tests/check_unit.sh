#!/usr/bin/env bash
# Verifies the configured systemd unit (systemd-analyze verify) and prints its exposure score;
# skipped where systemd-analyze is not installed. Usage: check_unit.sh UNIT BINARY
set -euo pipefail
unit=$1 bin=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "check_unit: systemd-analyze not installed; skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The unit names the installed binary; verify it against the one just built.
sed "s#^ExecStart=[^ ]*rosterd #ExecStart=$bin #" "$unit" > "$tmp/rosterd.service"
systemd-analyze verify "$tmp/rosterd.service"
systemd-analyze security --offline=yes "$tmp/rosterd.service" | tail -1
