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
# A local SMTP sink on loopback (Debian's python3-aiosmtpd) receives the QA report into a
# maildir; without it the report would wait in rosterd's outbox.
/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Mailbox "$demo/mail" &
sink=$!
trap 'kill "$sink" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  /usr/bin/python3 -c 'import socket; socket.create_connection(("127.0.0.1", 2525), 1)' 2>/dev/null && break
  sleep 0.1
done
run run --once --wait --config "$demo/rosterd.example.yaml" --as-of 2026-11-23
run history --config "$demo/rosterd.example.yaml"
run outbox --config "$demo/rosterd.example.yaml"
echo
echo "== the QA report mailed before the run was recorded ($demo/mail/new):"
/usr/bin/python3 - "$demo/mail" <<'PY' || echo "(none: see rosterd outbox)"
import email, email.policy, mailbox, sys
for msg in mailbox.Maildir(sys.argv[1], create=False):
    m = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    print("  To:      ", m["to"])
    print("  Subject: ", m["subject"])
    print("  Parts:   ", ", ".join(p.get_content_type() + (" " + p.get_filename() if p.get_filename() else "")
                                  for p in m.walk() if not p.is_multipart()))
PY
echo
echo "bootstrap: ok. The example has discrepancies on purpose (exit status 1 above)."
echo "Binary: $R; store: $demo/rosterd.db; drop: $demo/drop. Try: $R show --config $demo/rosterd.example.yaml --format json 1"
