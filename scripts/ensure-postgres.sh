#!/usr/bin/env bash
# Installs PostgreSQL from the distribution's packages when it is missing, and runs a throw-away cluster on
# loopback for the server benchmark's baseline. Idempotent; needs no terminal (works with CI=true).
#
#   scripts/ensure-postgres.sh install            install the server binaries if absent; print their directory
#   scripts/ensure-postgres.sh start DIR PORT     initdb a cluster under DIR (if not there yet) and start it on
#                                                 127.0.0.1:PORT (if not running); print a connection string
#   scripts/ensure-postgres.sh stop DIR           stop that cluster and delete DIR
#
# PostgreSQL refuses to run as root: when run as root, the cluster belongs to the 'postgres' user (created by
# the packages) and the commands run as that user. Settings: fsync on, synchronous_commit on (the default,
# durable commits), max_connections 300, trust authentication on loopback only.
set -euo pipefail

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else
        echo "ensure-postgres: PostgreSQL is not installed and installing it needs root (or sudo)." >&2
        exit 1
    fi
}

install() {
    if bindir=$(find_bindir); then
        echo "$bindir"
        return 0
    fi
    echo "ensure-postgres: installing PostgreSQL from the distribution's packages ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q >&2
    as_root apt-get install -y -q --no-install-recommends postgresql >&2
    bindir=$(find_bindir) || { echo "ensure-postgres: installed, but no initdb/pg_ctl/postgres found" >&2; exit 1; }
    echo "$bindir"
}

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    local dir=$1 port=$2
    local bindir
    bindir=$(install)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || { echo "ensure-postgres: running as root needs the 'postgres' user" >&2; exit 1; }
        chown postgres: "$dir"
        chmod 700 "$dir"
        runuser -u postgres -- test -w "$dir" \
            || { echo "ensure-postgres: the postgres user cannot reach $dir (choose a directory under /tmp)" >&2; exit 1; }
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
            "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 \
             -c fsync=on -c synchronous_commit=on -c shared_buffers=256MB" >/dev/null \
            || { cat "$dir/server.log" >&2; exit 1; }
    fi
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

stop() {
    local dir=$1
    local bindir
    if bindir=$(find_bindir) && [ -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    install) install ;;
    start) [ $# -eq 3 ] || { echo "usage: $0 start DIR PORT" >&2; exit 2; }; start "$2" "$3" ;;
    stop) [ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
    *) echo "usage: $0 install | start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
