#!/usr/bin/env bash
# Fails when rosterd's own code could run a shell: no system(), popen(), exec of /bin/sh, and no
# exec family at all outside the test support (rosterd starts no program).
set -euo pipefail
root=${1:-$(dirname "$0")/..}
layers=(core transport parsers validators planner report notify store config pipeline ops service cli)
pattern='(^|[^A-Za-z_])(system|popen|execl|execlp|execle|execv|execvp|execvpe|posix_spawn|posix_spawnp)\(|/bin/sh'
if hits=$(cd "$root" && grep -rnE --include='*.h' --include='*.cc' "$pattern" "${layers[@]}"); then
  echo "no-shell: rosterd code must not start programs or shells:"
  echo "$hits"
  exit 1
fi
echo "no-shell: ok (${layers[*]})"
