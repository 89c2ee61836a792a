#!/usr/bin/env bash
# Builds the Debian package: build/deb/rosterd_VERSION_ARCH.deb (the binary, the systemd unit,
# the man page, bash completion, /etc/rosterd with an example feed, the docs; the service's
# user made by its postinst). A build of its own, installed into /usr, without tests; or, with
# ROSTERD_DEB_BUILD_DIR=build, the build scripts/test.sh made, set to install into /usr (CI:
# its objects are compiled with the same flags, so only the package is made).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ROSTERD_DEB_BUILD_DIR:-build/deb}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DROSTERD_BUILD_TESTS=OFF -DROSTERD_BUILD_BENCH=OFF -DROSTERD_WERROR=ON >/dev/null
cmake --build "$build" -j "${ROSTERD_JOBS:-2}"
(cd "$build" && cpack -G DEB >/dev/null)
ls "$build"/rosterd_*.deb
