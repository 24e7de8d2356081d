#!/usr/bin/env bash
# A PostgreSQL cluster of our own, from Debian's packages, on a Unix socket only (no TCP port):
#   scripts/pg.sh install              installs postgresql (apt) when it is missing
#   scripts/pg.sh start DIR [PORT]     makes a cluster in DIR/data the first time, starts it; socket DIR/.s.PGSQL.PORT
#   scripts/pg.sh stop DIR             stops it
#   scripts/pg.sh createdb DIR PORT DB makes database DB when it is missing
#   scripts/pg.sh around -- CMD...     a throwaway cluster (fsync off) around CMD, with KIOSK_HQ_TEST_PG set to its
#                                      socket folder; stopped and removed afterwards, whatever CMD does
# initdb refuses to run as root: as root, the cluster runs as the postgres user.
set -euo pipefail
find_bin() {
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  return 1
}
install_pg() {
  find_bin >/dev/null && return
  echo "Installing PostgreSQL (Debian's postgresql package)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
}
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
start() {
  local dir=$1 port=${2:-5432} extra=${3:-}
  install_pg
  local B; B=$(find_bin)
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$B/initdb" -D "$dir/data" -U postgres -A trust --no-locale -E UTF8 >/dev/null
  fi
  if as_owner "$B/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then return; fi
  # -l: without a log file pg_ctl keeps the caller's stdout open, and whatever waits for that pipe hangs.
  as_owner "$B/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-k $dir -p $port -c listen_addresses='' $extra" start >/dev/null
}
stop() {
  local dir=$1 B; B=$(find_bin)
  [ -f "$dir/data/PG_VERSION" ] || return 0
  as_owner "$B/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
case "${1:-}" in
  install) install_pg ;;
  start) start "$2" "${3:-5432}" ;;
  stop) stop "$2" ;;
  createdb)
    B=$(find_bin); dir=$(cd "$2" && pwd)
    if ! "$B/psql" -h "$dir" -p "$3" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$4'" | grep -q 1; then
      "$B/psql" -h "$dir" -p "$3" -U postgres -qc "CREATE DATABASE $4" >/dev/null
    fi
    ;;
  around)
    shift; [ "${1:-}" = "--" ] && shift
    dir=$(mktemp -d /tmp/kiosk-hq-test.XXXXXX)
    trap 'stop "$dir"; rm -rf "$dir"' EXIT
    start "$dir" 55432 "-c fsync=off -c max_connections=200"
    KIOSK_HQ_TEST_PG="$dir" KIOSK_HQ_TEST_PG_PORT=55432 "$@"
    ;;
  *) echo "usage: scripts/pg.sh install | start DIR [PORT] | stop DIR | around -- CMD..." >&2; exit 2 ;;
esac
