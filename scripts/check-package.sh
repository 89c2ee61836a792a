#!/usr/bin/env bash
# Installs a built rosterd .deb on a bare Debian 12 (debootstrap minbase) in a throwaway chroot,
# with `apt-get install ./rosterd_*.deb` as on a new machine, and shows that it works there: the
# dependencies it declares suffice, its user and folders are made, the configuration it ships is
# valid, the man page and completion are in place; then, the root booted with systemd
# (systemd-nspawn, when installed): `systemctl start rosterd` runs it as user rosterd, it takes a
# roster dropped in /var/lib/rosterd/drop, reloads, logs with journald priorities and stops
# cleanly; a command by hand as root on its store is refused; and a purge keeps the store.
# Needs root and a Debian mirror.
# Usage: scripts/check-package.sh build/deb/rosterd_VERSION_ARCH.deb
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "$1")
cache=${ROSTERD_MINBASE_CACHE:-/var/cache/rosterd-ci/bookworm-minbase.tar}
root=$(mktemp -d /tmp/rosterd-pkgroot.XXXXXX)
service=
cleanup() {
  if [ -n "$service" ]; then
    kill "$service" 2>/dev/null || true
    wait "$service" 2>/dev/null || true
  fi
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
say() { echo "check-package: $*"; }
fail() { echo "check-package: FAILED: $*" >&2; exit 1; }
# This machine's Debian mirror.
mirror=$(grep -h -o -E '^(URIs:|deb) +[^ ]+' /etc/apt/sources.list.d/debian.sources \
  /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
if [ -f "$cache" ]; then
  tar -C "$root" -xf "$cache"
else
  command -v debootstrap >/dev/null || fail "debootstrap is not installed (apt-get install debootstrap)"
  say "debootstrap --variant=minbase bookworm (once; cached in $cache)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/rosterd-debootstrap.log 2>&1 ||
    fail "debootstrap (log: /tmp/rosterd-debootstrap.log)"
  mkdir -p "$(dirname "$cache")"
  tar -C "$root" -cf "$cache" .
fi
chmod 755 "$root"  # the root of a system: every user walks through it
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
  : >"$root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/"
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
as_rosterd() { in_root runuser -u rosterd -- "$@"; }
config=/etc/rosterd/rosterd.yaml

say "apt-get install ./$(basename "$deb") on a bare Debian 12"
in_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq --no-install-recommends \
  "/tmp/$(basename "$deb")" >/tmp/rosterd-apt.log 2>&1 || { cat /tmp/rosterd-apt.log; fail "apt-get install"; }
in_root rosterd --version
in_root getent passwd rosterd >/dev/null || fail "no user rosterd"
[ "$(in_root stat -c %U /var/lib/rosterd/drop)" = rosterd ] || fail "/var/lib/rosterd/drop is not rosterd's"
[ "$(in_root stat -c '%U:%G %a' $config)" = "root:rosterd 640" ] || fail "$config is not root:rosterd 0640"
in_root test -f /usr/share/man/man8/rosterd.8.gz || fail "no man page"
in_root test -f /usr/share/bash-completion/completions/rosterd || fail "no bash completion"
in_root test -f /usr/share/doc/rosterd/examples/rosterd.example.yaml || fail "no example configuration"
as_rosterd rosterd check-config --config $config
# The console listens on a free port here (8470 may be taken on this machine).
console_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -i "s/^  listen: 127.0.0.1:8470$/  listen: 127.0.0.1:$console_port/" "$root$config"
grep -q "listen: 127.0.0.1:$console_port" "$root$config" || fail "the installed configuration has no console"
# GET /healthz from inside the root (bash's /dev/tcp: minbase has no curl); its status line.
healthz() {
  "$@" bash -c "exec 3<>/dev/tcp/127.0.0.1/$console_port && printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:$console_port\r\nConnection: close\r\n\r\n' >&3 && head -1 <&3"
}

cp examples/demo-roster.txt "$root/var/lib/rosterd/drop/"
in_root chown rosterd:rosterd /var/lib/rosterd/drop/demo-roster.txt
unit=$root/usr/lib/systemd/system/rosterd.service
grep -qx 'User=rosterd' "$unit" || fail "the unit does not run as rosterd"

# Waits (up to a minute) until the service has taken the dropped roster: `sync-now` every
# second, as the feed's stable_for needs two looks at the file. $1: how to run a command.
wait_for_roster() {
  local run=$1
  for _ in $(seq 60); do
    $run rosterd sync-now --config $config --feed example-isd --timeout 5 >/dev/null 2>&1 || true
    if $run rosterd history --config $config 2>/dev/null | grep -q 'demo-roster.txt'; then
      return 0
    fi
    sleep 1
  done
  return 1
}

if command -v systemd-nspawn >/dev/null; then
  # The machine booted with systemd (a container): the unit as systemd runs it.
  say "booting the root with systemd (systemd-nspawn)"
  DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq --no-install-recommends \
    systemd systemd-sysv dbus >/tmp/rosterd-apt-systemd.log 2>&1 || fail "apt-get install systemd"
  umount "$root/proc"
  systemd-nspawn -D "$root" --boot --register=no --keep-unit -q >/tmp/rosterd-pkg-boot.log 2>&1 &
  nspawn=$!
  service=$nspawn  # stopped by cleanup whatever happens
  init=
  for _ in $(seq 100); do
    init=$(ps -o pid= --ppid "$nspawn" 2>/dev/null | tr -d ' ' | head -1 || true)
    [ -n "$init" ] && break
    sleep 0.1
  done
  [ -n "$init" ] || fail "the container did not start (log: /tmp/rosterd-pkg-boot.log)"
  # The container's init, found again at each call: the first child seen may be a helper of
  # systemd-nspawn that exits once the container's systemd runs (a stale pid made the boot
  # check wait in vain).
  in_machine() {
    init=$(ps -o pid= --ppid "$nspawn" 2>/dev/null | tr -d ' ' | tail -1 || true)
    nsenter -t "$init" -m -u -i -n -p -r -w /usr/bin/env -i LANG=C.UTF-8 \
      PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
  }
  machine_rosterd() { in_machine runuser -u rosterd -- "$@"; }
  booted=
  for _ in $(seq 360); do
    state=$(in_machine systemctl is-system-running 2>/dev/null || true)
    case $state in running | degraded) booted=yes; break ;; esac
    sleep 0.5
  done
  [ -n "$booted" ] || { tail -20 /tmp/rosterd-pkg-boot.log; fail "systemd did not finish booting"; }
  # Enabled by the package, so running since boot; stopped and started as an operator would.
  [ "$(in_machine systemctl is-enabled rosterd)" = enabled ] || fail "rosterd.service is not enabled"
  in_machine systemctl stop rosterd
  in_machine systemctl start rosterd || { in_machine systemctl status rosterd --no-pager; fail "systemctl start rosterd"; }
  [ "$(in_machine systemctl is-active rosterd)" = active ] || fail "rosterd.service is not active"
  in_machine systemctl status rosterd --no-pager | head -8
  wait_for_roster machine_rosterd || { in_machine journalctl -u rosterd --no-pager | tail; fail "the service did not take the dropped roster"; }
  machine_rosterd rosterd history --config $config
  machine_rosterd rosterd status --config $config || true  # 0 to 5: what the feed needs
  healthz in_machine | grep -q '^HTTP/1.1 200' || fail "the console does not answer /healthz"
  in_machine systemctl reload rosterd || fail "systemctl reload rosterd"
  in_machine journalctl -u rosterd --no-pager -o cat | grep -q 'event=config.reloaded' ||
    fail "the reload is not in the journal"
  # The journal has each line's priority: service.ready at info (6).
  in_machine journalctl -u rosterd -p info..info --no-pager -o cat | grep -q 'event=service.ready' ||
    fail "service.ready is not at priority info in the journal"
  if in_machine journalctl -u rosterd -p err --no-pager -o cat | grep -q 'level='; then
    in_machine journalctl -u rosterd -p err --no-pager -o cat
    fail "rosterd logged errors"
  fi
  # Root's own command on the service's store is refused, before it makes a file there.
  if in_machine rosterd history --config $config 2>/tmp/rosterd-pkg-root.err; then
    fail "root was let open the service's store"
  fi
  grep -q 'runuser -u rosterd' /tmp/rosterd-pkg-root.err || fail "root's refusal does not say what to do"
  in_machine systemctl stop rosterd
  [ "$(in_machine systemctl show rosterd -p Result --value)" = success ] || fail "the service did not stop cleanly"
  in_machine systemctl poweroff || true
  wait "$nspawn" || true
  service=
  mount -t proc proc "$root/proc"
else
  # No systemd-nspawn: the unit's ExecStart as the unit's user (setpriv execs it as systemd
  # does, so the signal reaches rosterd itself).
  exec_start=$(sed -n 's/^ExecStart=//p' "$unit" | sed 's#${CONFIGURATION_DIRECTORY}#/etc/rosterd#')
  [ "$exec_start" = "/usr/bin/rosterd run --config $config" ] || fail "unexpected ExecStart: $exec_start"
  say "starting: $exec_start (as rosterd; no systemd-nspawn here to boot systemd)"
  # shellcheck disable=SC2086
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    setpriv --reuid=rosterd --regid=rosterd --init-groups $exec_start \
    2>"/tmp/rosterd-pkg-service.log" &
  service=$!
  wait_for_roster as_rosterd || { cat /tmp/rosterd-pkg-service.log; fail "the service did not take the dropped roster"; }
  as_rosterd rosterd history --config $config
  as_rosterd rosterd status --config $config || true  # 0 to 5: what the feed needs
  healthz in_root | grep -q '^HTTP/1.1 200' || fail "the console does not answer /healthz"
  if in_root rosterd history --config $config 2>/tmp/rosterd-pkg-root.err; then
    fail "root was let open the service's store"
  fi
  grep -q 'runuser -u rosterd' /tmp/rosterd-pkg-root.err || fail "root's refusal does not say what to do"
  kill -TERM "$service"
  wait "$service" || fail "the service did not stop cleanly on SIGTERM"
  service=
fi

say "apt-get purge rosterd"
DEBIAN_FRONTEND=noninteractive in_root apt-get purge -y -qq rosterd >/dev/null 2>&1 || fail "apt-get purge"
in_root test ! -e $config || fail "purge left $config"
in_root test -f /var/lib/rosterd/rosterd.db || fail "purge removed the roster store"
say "ok"
