#!/usr/bin/env bash
# The release package on a laptop without Swift (issue 17), tried for real:
#  1. the tarball's binary needs no Swift runtime and runs from any working directory;
#  2. a clean Debian root (debootstrap, cached between runs) with no Swift and no -dev packages installs the .deb with
#     apt-get, which pulls the runtime libraries; `kiosk serve` runs inside it (chroot), answers /healthz, signs in,
#     imports the demo guests and checks one in; the package is removed and the day's data is still there.
# Skips, saying why, only where the machine refuses debootstrap or chroot.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(tr -d '[:space:]' < VERSION)
ARCH=$(dpkg --print-architecture)
TARBALL="dist/eventkiosk-$VERSION-linux-$(uname -m).tar.gz"
DEB="dist/eventkiosk_${VERSION}_${ARCH}.deb"
[ -f "$TARBALL" ] && [ -f "$DEB" ] || { echo "run make package first" >&2; exit 1; }
passed=0; failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }

# --- 1. The tarball.
WORK=$(mktemp -d /tmp/kiosk-package-XXXXXX)
cleanup() {
  [ -n "${CHROOT_PID:-}" ] && kill "$CHROOT_PID" 2>/dev/null || true
  for m in proc dev/pts dev; do umountpoint="$WORK/root/$m"; mountpoint -q "$umountpoint" 2>/dev/null && umount -l "$umountpoint" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
tar -xzf "$TARBALL" -C "$WORK"
BIN="$WORK/eventkiosk-$VERSION/bin/kiosk"
if grep -qE 'libswift|libFoundation|libdispatch' <<< "$(ldd "$BIN")"; then bad "the tarball's kiosk needs the Swift runtime: $(ldd "$BIN" | grep -E 'swift|Foundation')"
else ok "no libswift*/libFoundation* in ldd"; fi
if [ "$(cd / && "$BIN" --version)" = "$VERSION" ]; then ok "kiosk --version from / prints $VERSION"; else bad "kiosk --version"; fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd / && HOME="$WORK/home" KIOSK_ADMIN_PIN=24681357 "$BIN" serve --host 127.0.0.1 --port "$PORT" --https-port 0 > "$WORK/tar.log" 2>&1) &
TAR_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
# Whole answers are read before grep: under pipefail, grep -q stopping early would SIGPIPE curl and fail the pipe.
DOOR_PAGE=$(curl -fs "http://127.0.0.1:$PORT/door.html" || true)
if grep -q '门口签到' <<< "$DOOR_PAGE" && [ -f "$WORK/home/.local/share/eventkiosk/kiosk.sqlite" ]; then
  ok "from / the pages are found next to the binary and the data goes to ~/.local/share/eventkiosk"
else bad "tarball serve from /: $(tail -5 "$WORK/tar.log")"; fi
kill $TAR_PID; wait $TAR_PID 2>/dev/null || true

# --- 2. The .deb in a clean Debian root.
if [ "$(id -u)" -ne 0 ]; then echo "skipped: the .deb test needs root for debootstrap and chroot"; echo "$passed passed, $failed failed, 1 skipped"; exit $((failed > 0)); fi
command -v debootstrap >/dev/null || { { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; } >/dev/null 2>&1 || true; }
if ! command -v debootstrap >/dev/null; then echo "skipped: debootstrap cannot be installed here"; echo "$passed passed, $failed failed, 1 skipped"; exit $((failed > 0)); fi
CACHE=${KIOSK_ROOTFS_CACHE:-/var/cache/eventkiosk-test}
SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
ROOTFS="$CACHE/$SUITE-$ARCH.tar"
MIRROR=$(grep -hoE 'https?://[^ ]+/debian/?$' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
if [ ! -f "$ROOTFS" ]; then
  echo "making a clean $SUITE root (cached in $ROOTFS) from $MIRROR ..."
  mkdir -p "$CACHE"
  if ! debootstrap --variant=minbase "$SUITE" "$WORK/fresh" "$MIRROR" > "$WORK/debootstrap.log" 2>&1; then
    echo "skipped: debootstrap was refused here: $(tail -3 "$WORK/debootstrap.log")"
    echo "$passed passed, $failed failed, 1 skipped"; exit $((failed > 0))
  fi
  tar -cf "$ROOTFS.partial" -C "$WORK/fresh" . && mv "$ROOTFS.partial" "$ROOTFS"
  rm -rf "$WORK/fresh"
fi
mkdir -p "$WORK/root"
tar -xf "$ROOTFS" -C "$WORK/root"
R="$WORK/root"
if ! chroot "$R" true 2>/dev/null; then echo "skipped: chroot is refused here"; echo "$passed passed, $failed failed, 1 skipped"; exit $((failed > 0)); fi
mount -t proc proc "$R/proc"; mount --bind /dev "$R/dev"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
cp "$DEB" "$R/tmp/"
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
if in_root sh -c 'command -v swift' >/dev/null; then bad "the clean root has swift"; else ok "the clean root has no Swift toolchain"; fi
in_root apt-get update -qq > "$WORK/apt.log" 2>&1 || true
if in_root apt-get install -y -qq "/tmp/$(basename "$DEB")" >> "$WORK/apt.log" 2>&1; then ok "apt-get install ./$(basename "$DEB") pulled its runtime libraries"
else bad "apt-get install: $(tail -5 "$WORK/apt.log")"; fi
DEV=$(in_root dpkg-query -W -f='${Package}\n' | grep -- '-dev$' || true)
if [ -z "$DEV" ]; then ok "no -dev package in the root"; else bad "-dev packages installed: $DEV"; fi
if [ "$(in_root kiosk --version 2>/dev/null)" = "$VERSION" ]; then ok "kiosk is on the PATH"; else bad "kiosk --version in the root"; fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chroot "$R" env -i PATH=/usr/bin:/bin HOME=/root KIOSK_ADMIN_PIN=24681357 kiosk serve --host 127.0.0.1 --port "$PORT" --https-port 0 \
  > "$WORK/serve.log" 2>&1 &
CHROOT_PID=$!
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
if grep -q '"ok"' <<< "$(curl -fs "http://127.0.0.1:$PORT/healthz" || true)"; then ok "/healthz answers from inside the root"; else bad "/healthz: $(tail -5 "$WORK/serve.log")"; fi
TOKEN=$(curl -fs -X POST -H 'Content-Type: application/json' -d '{"pin":"24681357"}' "http://127.0.0.1:$PORT/api/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' || true)
if [ -n "$TOKEN" ]; then ok "signed in"; else bad "sign-in"; fi
curl -fs -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @Assets/demo-invitees.csv \
  "http://127.0.0.1:$PORT/api/invitees/import" > "$WORK/import.json" || true
CODE=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/invitees?limit=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["code"])' || true)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"code\":\"$CODE\",\"door\":\"正门\",\"nonce\":\"package-test-0001\"}" "http://127.0.0.1:$PORT/api/checkins")
if [ "$STATUS" = "201" ]; then ok "the demo guests imported ($(cat "$WORK/import.json")) and one checked in"; else bad "check-in answered $STATUS"; fi
kill "$CHROOT_PID"; wait "$CHROOT_PID" 2>/dev/null || true; CHROOT_PID=
in_root apt-get remove -y -qq eventkiosk >> "$WORK/apt.log" 2>&1 || true
if [ ! -e "$R/opt/eventkiosk/bin/kiosk" ] && [ -f "$R/root/.local/share/eventkiosk/kiosk.sqlite" ]; then
  ok "removed, and the day's data is still in /root/.local/share/eventkiosk"
else bad "after removal: $(ls "$R/root/.local/share/eventkiosk" 2>&1)"; fi
echo "$passed passed, $failed failed"
exit $((failed > 0))
