#!/usr/bin/env bash
# Fails when a layer includes a header of a layer above it. Layers, lowest first:
#   core -> transport -> parsers -> validators -> planner -> report -> notify -> store -> config ->
#   pipeline -> ops -> console -> service -> cli
set -euo pipefail
root=${1:-$(dirname "$0")/..}
layers=(core transport parsers validators planner report notify store config pipeline ops console service cli)
status=0
for i in "${!layers[@]}"; do
  layer=${layers[$i]}
  for j in "${!layers[@]}"; do
    [ "$j" -gt "$i" ] || continue
    upper=${layers[$j]}
    if hits=$(grep -rn --include='*.h' --include='*.cc' "#include \"$upper/" "$root/$layer" 2>/dev/null); then
      echo "layering: $layer must not include $upper/:"
      echo "$hits"
      status=1
    fi
  done
done
[ "$status" = 0 ] && echo "layering: ok (${layers[*]})"
exit $status
