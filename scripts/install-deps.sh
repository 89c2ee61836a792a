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
  libcurl4-openssl-dev openssl python3-aiosmtpd libsystemd-dev postgresql libpq-dev libcctz-dev groff-base libsodium-dev libzip-dev \
  python3 \
  dpkg-dev debootstrap systemd-container \
  chromium chromium-driver python3-selenium >/dev/null
# axe-core, the accessibility checker the browser tests load into each page: from npm (Debian
# does not package it), into a folder of the tests' own.
command -v npm >/dev/null || apt-get install -y -qq --no-install-recommends npm >/dev/null
axe=/usr/local/share/rosterd-tests
if [ ! -f "$axe/node_modules/axe-core/axe.min.js" ]; then
  mkdir -p "$axe"
  # Without it the browser test still walks every page but skips the WCAG audit, saying so;
  # CI (ROSTERD_REQUIRE_AXE=1 in .ci/run) fails instead.
  npm install --silent --no-audit --no-fund --prefix "$axe" axe-core@4.10 >/dev/null 2>&1 ||
    echo "install-deps: warning: axe-core could not be installed from the npm registry; the browser test will skip its accessibility audit" >&2
fi
echo "install-deps: done"
