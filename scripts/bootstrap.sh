#!/usr/bin/env bash
# A fresh Debian 12 machine to a running rosterd in one command (run as root):
# installs the Debian packages, builds, and runs the main job on the bundled example: a check
# (test import), then the service (`rosterd run`) on the embedded default: a local drop folder,
# the SQLite store and a local SMTP sink (a copy of conf/ in build/demo, in live mode). The
# example roster is delivered to the drop; the service takes it once stable, mails its QA
# report, and holds it (a third of its rows are rejected, over the 5% safeguard); the demo then
# shows the service's status, the report, approves the run and prints the committed roster.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
demo=build/demo
rm -rf "$demo"
mkdir -p "$demo"
cp -r conf/. "$demo/"
R=build/rosterd
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
cp examples/demo-roster.txt "$demo/drop/"   # delivered before the service starts
# A local SMTP sink on loopback (Debian's python3-aiosmtpd) receives the QA report into a
# maildir; without it the report would wait in rosterd's outbox.
/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Mailbox "$demo/mail" &
sink=$!
trap 'kill "$sink" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  /usr/bin/python3 -c 'import socket; socket.create_connection(("127.0.0.1", 2525), 1)' 2>/dev/null && break
  sleep 0.1
done
cfg="$demo/rosterd.example.yaml"
# The demo's copy runs live (the example is in test mode) and polls every 2 s.
sed -i -e 's/^    mode: test$/    mode: live/' -e 's/^      poll_every: 60s$/      poll_every: 2s/' "$cfg"
echo
echo "== rosterd run --config $cfg   (the service, in the background; log: $demo/service.log)"
"$R" run --config "$cfg" 2> "$demo/service.log" &
service=$!
trap 'kill "$sink" "$service" 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  "$R" history --config "$cfg" 2>/dev/null | grep -q "demo-roster.txt" && break
  sleep 0.5
done
run status --config "$cfg"
kill -TERM "$service"
wait "$service" || { echo "bootstrap: the service did not stop cleanly" >&2; exit 1; }
echo "(the service stopped: $(tail -1 "$demo/service.log"))"
run history --config "$cfg"
run show --config "$cfg" 1
run approve --config "$cfg" 1
echo
echo "== rosterd export --config $cfg   (the committed roster, first lines)"
"$R" export --config "$cfg" | head -5
run outbox --config "$cfg"
echo
echo "== the mail the service sent ($demo/mail/new):"
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
