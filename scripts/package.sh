#!/usr/bin/env bash
# Builds the release packages for an event laptop without Swift (issue 17): a tarball and a Debian package in dist/.
# The Swift standard library and Foundation are linked in (--static-swift-stdlib); the package depends on the
# runtime libraries only: SQLite, libqrencode, zlib and ZXing-C++.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(tr -d '[:space:]' < VERSION)
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
MACHINE=$(uname -m)
SCRATCH=${KIOSK_PACKAGE_SCRATCH:-.build_package}
echo "Building EventKiosk $VERSION (release, static Swift runtime) in $SCRATCH ..."
swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product kiosk
BIN="$SCRATCH/release/kiosk"
if ldd "$BIN" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime'; then
  echo "the binary still needs the Swift runtime (see above)" >&2; exit 1
fi

rm -rf dist/stage dist/deb
mkdir -p dist
NAME="eventkiosk-$VERSION"
STAGE="dist/stage/$NAME"
mkdir -p "$STAGE/bin"
install -m 0755 "$BIN" "$STAGE/bin/kiosk"
strip "$STAGE/bin/kiosk" 2>/dev/null || true
cp -r Kiosk Assets README.md VERSION "$STAGE/"
touch "$STAGE/PACKAGED"
install -m 0755 scripts/start.sh "$STAGE/start"
tar -czf "dist/$NAME-linux-$MACHINE.tar.gz" -C dist/stage "$NAME"

# The Debian package: /opt/eventkiosk, `kiosk` on the PATH, a systemd unit the admin may enable (not started).
DEB=dist/deb
mkdir -p "$DEB/DEBIAN" "$DEB/opt" "$DEB/usr/bin" "$DEB/lib/systemd/system"
cp -r "$STAGE" "$DEB/opt/eventkiosk"
ln -s /opt/eventkiosk/bin/kiosk "$DEB/usr/bin/kiosk"
cat > "$DEB/lib/systemd/system/eventkiosk@.service" <<UNIT
# Runs the kiosk for one user (its data in that user's ~/.local/share/eventkiosk):
#   sudo systemctl enable --now eventkiosk@assistant
[Unit]
Description=EventKiosk event-day server for %i
After=network-online.target

[Service]
User=%i
ExecStart=/opt/eventkiosk/bin/kiosk serve
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
SIZE=$(du -sk "$DEB" | cut -f1)
cat > "$DEB/DEBIAN/control" <<CONTROL
Package: eventkiosk
Version: $VERSION
Architecture: $ARCH
Maintainer: EventKiosk <kiosk@localhost>
Installed-Size: $SIZE
Depends: libc6, libstdc++6, libgcc-s1, libsqlite3-0, libqrencode4, zlib1g, libzxing2
Section: net
Priority: optional
Description: runs a car dealer's event day from one laptop
 Check-in at the door (QR codes, tablets' cameras), orders and the MC screen,
 a provably fair lucky wheel and draw, the 21-item inspection, reports.
 Serves its own pages to the tablets on the venue Wi-Fi; no internet needed.
 Start it with: kiosk serve   (data in ~/.local/share/eventkiosk)
CONTROL
cat > "$DEB/DEBIAN/postinst" <<'POST'
#!/bin/sh
set -e
echo "EventKiosk installed. Start it with:  kiosk serve   (or /opt/eventkiosk/start)"
echo "The day's data is kept in ~/.local/share/eventkiosk of whoever runs it; uninstalling leaves it there."
POST
chmod 0755 "$DEB/DEBIAN/postinst"
dpkg-deb --root-owner-group --build "$DEB" "dist/eventkiosk_${VERSION}_${ARCH}.deb" >/dev/null
rm -rf dist/stage dist/deb
ls -l dist/
