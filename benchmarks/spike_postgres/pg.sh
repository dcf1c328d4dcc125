#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL on loopback for the spike: `pg.sh start` | `pg.sh stop`.
# Runs Debian's postgresql binaries as user postgres in $SPIKE_PG_DIR on $SPIKE_PG_PORT;
# trust authentication, listening on 127.0.0.1 only. Prints the connection URL on start.
set -euo pipefail
DIR=${SPIKE_PG_DIR:-/tmp/kl_spike_pg}
PORT=${SPIKE_PG_PORT:-55432}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { runuser -u postgres -- "$@"; }
case "${1:-}" in
start)
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
        mkdir -p "$DIR" && chown postgres "$DIR"
        as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=100 -c fsync=on" start >/dev/null
    as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qtAc \
        "SELECT 1 FROM pg_database WHERE datname='kl_dash'" | grep -q 1 ||
        as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres kl_dash
    echo "postgresql://postgres@127.0.0.1:$PORT/kl_dash"
    ;;
stop)
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null || true
    [ "${2:-}" = "--wipe" ] && rm -rf "$DIR"
    true
    ;;
*) echo "usage: $0 start|stop [--wipe]" >&2; exit 2 ;;
esac
