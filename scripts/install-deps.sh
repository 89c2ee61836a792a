#!/usr/bin/env bash
# Installs everything rosterd needs to build and test, from Debian's packages only.
# Safe to run again: apt-get skips what is already there.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root (or with sudo): it calls apt-get" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  ca-certificates build-essential g++ cmake ninja-build pkg-config git \
  libfccp-dev libyaml-cpp-dev doctest-dev nlohmann-json3-dev libboost-dev \
  libsqlite3-dev sqlite3 libssl-dev \
  libssh-dev openssh-server openssh-client \
  libcurl4-openssl-dev python3-aiosmtpd libsystemd-dev postgresql libpq-dev libcctz-dev groff-base libsodium-dev \
  python3 \
  dpkg-dev debootstrap systemd-container >/dev/null
echo "install-deps: done"
