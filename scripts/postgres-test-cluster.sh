#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite (and for trying the postgres extra).
#
#   bash scripts/postgres-test-cluster.sh start   -> prints two lines: the folder, the URL
#   bash scripts/postgres-test-cluster.sh stop DIR -> stops that cluster and deletes DIR
#
# Installs Debian's postgresql if no initdb is found (apt-get, needs root), creates the cluster
# with initdb in a new temporary folder, listens on 127.0.0.1 only, on a free port, with trust
# authentication for that address (nothing else can reach it) and no fsync (test data only).
# PostgreSQL refuses to run as root, so as root the cluster runs as the user `nobody`.
set -euo pipefail

find_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

start() {
    local bin
    if ! bin=$(find_bin); then
        if [ "$(id -u)" != 0 ]; then
            echo "postgres-test-cluster: PostgreSQL is not installed. Fix: sudo apt-get install postgresql" >&2
            exit 2
        fi
        echo "postgres-test-cluster: installing Debian's postgresql (apt-get)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2 \
            || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2; }
        bin=$(find_bin)
    fi
    local dir port
    dir=$(mktemp -d /tmp/scirocco-pg.XXXXXX)
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then chown nobody "$dir"; fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres scirocco
    echo "$dir"
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/scirocco"
}

stop() {
    local dir=$1 bin
    case "$dir" in /tmp/scirocco-pg.*) ;; *) echo "postgres-test-cluster: not a cluster folder: $dir" >&2; exit 2;; esac
    bin=$(find_bin)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:?give the folder printed by start}" ;;
    *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
