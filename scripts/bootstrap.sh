#!/usr/bin/env bash
# A fresh Debian 12 machine to a running rosterd in one command (run as root):
# installs the Debian packages, builds, and runs the main job on the bundled example: a check
# (test import), then the service (`rosterd run`) on the embedded default: a local drop folder,
# the SQLite store and a local SMTP sink (a copy of conf/ in build/demo, in live mode). The
# example roster is delivered to the drop; the service takes it once stable, mails its QA
# report, and holds it (a third of its rows are rejected, over the 5% safeguard); the demo then
# shows the service's status and the report, adds a demo admin to the district console on
# loopback and prints the console's address and a one-time link: the admin sees the held run in
# a browser and approves or rejects it there. Run from a terminal, the service keeps running;
# otherwise (CI, scripts; or ROSTERD_DEMO_STOP=1) it stops at the end and the script prints the
# command that starts it again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
demo=build/demo
# A demo service an earlier bootstrap left running stops first (its store is about to go).
if [ -f "$demo/rosterd.pid" ]; then kill "$(cat "$demo/rosterd.pid")" 2>/dev/null || true; fi
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
# The demo's copy runs live (the example is in test mode) and polls every 2 s; its console
# listens on loopback, on 8470 unless something else has that port.
sed -i -e 's/^    mode: test$/    mode: live/' -e 's/^      poll_every: 60s$/      poll_every: 2s/' "$cfg"
port=8470
if /usr/bin/python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", 8470), 1)' 2>/dev/null; then
  port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  sed -i "s/^  listen: 127.0.0.1:8470$/  listen: 127.0.0.1:$port/" "$cfg"
fi
echo
echo "== rosterd run --config $cfg   (the service, in the background; log: $demo/service.log)"
# In a session of its own, so that it keeps running after this script: the console is for a
# person to open in a browser.
setsid -f "$R" run --config "$cfg" <&- >"$demo/service.out" 2>"$demo/service.log"
for _ in $(seq 120); do
  "$R" history --config "$cfg" 2>/dev/null | grep -q "demo-roster.txt" && break
  sleep 0.5
done
service=$(pgrep -f -n "^$R run --config $cfg\$" || true)
[ -n "$service" ] || { cat "$demo/service.log" >&2; echo "bootstrap: the service did not start" >&2; exit 1; }
echo "$service" > "$demo/rosterd.pid"
run status --config "$cfg"
run history --config "$cfg"
run show --config "$cfg" 1
run outbox --config "$cfg"
echo
echo "== the mail the service sent ($demo/mail/new):"
/usr/bin/python3 - "$demo/mail" <<'PY' || echo "(none: see rosterd outbox)"
import email, email.policy, mailbox, sys
for msg in mailbox.Maildir(sys.argv[1], create=False):
    m = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    print("  To:      ", m["to"])
    print("  Subject: ", m["subject"])
    text = m.get_body(preferencelist=("plain",))
    if text is not None:
        print("  Says:    ", text.get_content().splitlines()[0])
    print("  Parts:   ", ", ".join(p.get_content_type() + (" " + p.get_filename() if p.get_filename() else "")
                                  for p in m.walk() if not p.is_multipart()))
PY
echo
echo "== rosterd user add admin@demo.invalid --role admin   (the console's demo admin)"
"$R" user add --config "$cfg" admin@demo.invalid --name "Demo admin" --role admin | tee "$demo/admin-link.txt"
for _ in $(seq 50); do
  /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done
/usr/bin/python3 - "$port" <<'PY' || { echo "bootstrap: the console does not answer" >&2; exit 1; }
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
c.request("GET", "/healthz")
r = c.getresponse()
print("  GET /healthz:", r.status, r.read().decode().strip())
PY
echo
echo "bootstrap: ok. The example has discrepancies on purpose, and run 1 is held for a person."
echo "The console: http://127.0.0.1:$port  (on this machine; from elsewhere: ssh -L $port:127.0.0.1:$port)"
echo "Open the one-time link above to set the demo admin's password and sign in; run 1 waits"
echo "there to be approved or rejected. (Or: $R approve --config $cfg --reason 'checked' 1)"
if [ -t 0 ] && [ "${ROSTERD_DEMO_STOP:-0}" != 1 ]; then
  echo "The service keeps running (pid $service, log $demo/service.log); stop it: kill $service"
else
  # Not run from a terminal (CI, a script, a container being built): no process is left behind.
  kill -TERM "$service"
  for _ in $(seq 100); do kill -0 "$service" 2>/dev/null || break; sleep 0.1; done
  rm -f "$demo/rosterd.pid"
  echo "Not run from a terminal, so the demo service has stopped; the link stays good for 24 h."
  echo "Start it again, with the console: $R run --config $cfg"
fi
echo "Binary: $R; store: $demo/rosterd.db; drop: $demo/drop."
