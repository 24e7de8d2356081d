#!/usr/bin/env bash
# Installs whatever the build (with --test the browser tests, with --bench the load generator) needs and is missing. Debian/Ubuntu.
set -euo pipefail
want=(pkg-config libsqlite3-dev libqrencode-dev zlib1g-dev libzxing-dev libstb-dev)
if [ "${1:-}" = "--test" ]; then
  want+=(chromium chromium-driver zbar-tools poppler-utils python3-pip libnss3-tools openssl)
fi
if [ "${1:-}" = "--bench" ]; then
  want+=(wrk)
fi
if [ "${1:-}" = "--package" ]; then
  want+=(debootstrap curl binutils)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--bench" ]; then
  python3 -c "import PIL" 2>/dev/null || python3 -m pip install -q pillow 2>&1 | grep -v "WARNING: Running pip as" || true
  python3 -c "import PIL" || { echo "pillow could not be installed" >&2; exit 1; }
fi
if [ "${1:-}" = "--test" ]; then
  python3 -c "import selenium, pytest, PIL, cryptography" 2>/dev/null \
    || python3 -m pip install -q selenium pytest pillow cryptography 2>&1 | grep -v "WARNING: Running pip as" || true
  python3 -c "import selenium, pytest, PIL, cryptography" || { echo "selenium/pytest/pillow/cryptography could not be installed" >&2; exit 1; }
fi
command -v swift >/dev/null || { echo "swift is not on PATH: install the Swift 6 toolchain (swift.org) first" >&2; exit 1; }
