#!/usr/bin/env bash
# Builds the Debian package: build/deb/rosterd_VERSION_ARCH.deb (the binary, the systemd unit,
# the man page, bash completion, /etc/rosterd with an example feed, the docs; the service's
# user made by its postinst). A build of its own, installed into /usr, without tests; or, with
# ROSTERD_DEB_BUILD_DIR=build, the build scripts/test.sh made (CI: its objects are compiled
# with the same flags, so only the package is made): only its install prefix is set to /usr,
# its tests stay as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ROSTERD_DEB_BUILD_DIR:-build/deb}
if [ -f "$build/CMakeCache.txt" ] && [ "$build" != build/deb ]; then
  cmake -S . -B "$build" -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
else
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
    -DROSTERD_BUILD_TESTS=OFF -DROSTERD_BUILD_BENCH=OFF -DROSTERD_WERROR=ON >/dev/null
fi
cmake --build "$build" -j "${ROSTERD_JOBS:-2}"
rm -f "$build"/rosterd_*.deb  # an older package must not be the one found below
(cd "$build" && cpack -G DEB >/dev/null)
ls "$build"/rosterd_*.deb
