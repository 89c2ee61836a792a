#!/usr/bin/env bash
# Soak run of the service (not a CI test): 20 feeds on local drops, a new roster file every
# half second (each feed every ~10 s), for DURATION seconds (default 600). Samples rosterd's
# resident memory and open file descriptors every 10 s, then checks that every file written was
# taken and ingested exactly once. Prints the figures.
#   scripts/soak.sh [DURATION] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-600}
work=${2:-$(mktemp -d /tmp/rosterd-soak-XXXXXX)}
bin=${ROSTERD_BIN:-build/rosterd}
feeds=20
mkdir -p "$work"
{
  echo "store: {sqlite: $work/roster.db}"
  echo "state_dir: $work/state"
  echo "archive: {keep_days: 0}"
  echo "service: {workers: 2}"
  echo "feeds:"
  for i in $(seq -w 1 $feeds); do
    mkdir -p "$work/drops/f$i"
    echo "  f$i:"
    echo "    policy: {max_deactivate_pct: 100, max_row_drop_pct: 100, max_reject_pct: 100}"
    echo "    schedule: {poll_every: 1s}"
    echo "    source:"
    echo "      local: {dir: $work/drops/f$i, stable_for: 0s, after: delete}"
  done
} > "$work/rosterd.yaml"

ROSTERD_LOG_LEVEL=warning "$bin" run --config "$work/rosterd.yaml" 2> "$work/service.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
sleep 1

# The writer: a 500-student roster, different every time (a counter in the local IDs).
/usr/bin/python3 - "$work" "$duration" "$feeds" <<'PY' &
import os, sys, time
work, duration, feeds = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
header = ("StudentStateID|LocalStudentID|LegalFirstName|LegalMiddleName|LegalLastName|"
          "DateOfBirth|Grade|CampusID|Diagnoses|Status|ELAScore|MathScore\n")
end, n = time.time() + duration, 0
while time.time() < end:
    feed = "f%02d" % (n % feeds + 1)
    rows = "".join("%010d|L%d-%d|Ann||Lee|2015-01-%02d|05|101||A|80|90\n" % (1000000000 + i, n, i, i % 28 + 1)
                   for i in range(500))
    tmp = os.path.join(work, "drops", feed, ".tmp-%d" % n)
    with open(tmp, "w") as f:
        f.write(header + rows)
    os.rename(tmp, os.path.join(work, "drops", feed, "roster-%06d.txt" % n))
    n += 1
    time.sleep(0.5)
with open(os.path.join(work, "written"), "w") as f:
    f.write(str(n))
PY
writer=$!

printf '%8s %10s %6s\n' seconds rss_kb fds | tee "$work/samples"
start=$(date +%s)
while kill -0 "$writer" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  fds=$(ls /proc/$pid/fd | wc -l)
  printf '%8d %10d %6d\n' $(( $(date +%s) - start )) "$rss" "$fds" | tee -a "$work/samples"
  sleep 10
done
wait "$writer"
# Let the last files be taken, then stop the service as systemd would.
for _ in $(seq 30); do
  [ -z "$(find "$work/drops" -name 'roster-*' -print -quit)" ] && break
  sleep 1
done
kill -TERM "$pid"
wait "$pid" && status=0 || status=$?
trap - EXIT

written=$(cat "$work/written")
ingested=$(sqlite3 "$work/roster.db" "SELECT count(*) FROM source_files WHERE status = 'ingested'")
runs=$(sqlite3 "$work/roster.db" "SELECT count(*) FROM runs WHERE kind = 'ingest' AND decision IN ('committed', 'held')")
left=$(find "$work/drops" -name 'roster-*' | wc -l)
echo
echo "files written:            $written"
echo "files ingested (ledger):  $ingested"
echo "runs committed or held:   $runs"
echo "files left in the drops:  $left"
awk 'NR > 1 { if (NR == 2) { r0 = $2; f0 = $3 } r = $2; f = $3; if ($2 > rmax) rmax = $2; if ($3 > fmax) fmax = $3 }
     END { printf "rss KB:  first %d, last %d, max %d\nfds:     first %d, last %d, max %d\n", r0, r, rmax, f0, f, fmax }' "$work/samples"
echo "service exit status:      $status"
echo "work folder:              $work"
[ "$written" = "$ingested" ] && [ "$written" = "$runs" ] && [ "$left" = 0 ] && [ "$status" = 0 ]
