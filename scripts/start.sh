#!/usr/bin/env bash
# Starts the kiosk from the unpacked tarball: the demo event, or the event file given (./start my-event.json).
# Prints the admin address, and opens it where the desktop has a browser. Ctrl-C stops it.
DIR=$(cd "$(dirname "$0")" && pwd)
PORT=${PORT:-8080}
set -- ${1:+--event "$1"}
"$DIR/bin/kiosk" serve --port "$PORT" "$@" &
KIOSK=$!
trap 'kill $KIOSK 2>/dev/null; wait $KIOSK; exit 0' INT TERM
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  sleep 0.1
done
echo "管理 Admin: http://localhost:$PORT/admin.html"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null 2>&1; then
  xdg-open "http://localhost:$PORT/admin.html" >/dev/null 2>&1 &
fi
wait $KIOSK
