#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests' PostgreSQL backend.
#
#   scripts/pg-test-server.sh [start]   start the server unless it is running; print its URL
#   scripts/pg-test-server.sh url       print the URL of the running server (exit 1 if none)
#   scripts/pg-test-server.sh stop      stop the server and delete its files
#
# Typical use:
#   export KAOHE_TEST_PG_URL=$(scripts/pg-test-server.sh)
#   .venv/bin/pytest
#   scripts/pg-test-server.sh stop
#
# The cluster lives in $KAOHE_PG_DIR (default /tmp/kaohe-pg-test-$USER), listens on 127.0.0.1 only,
# on a free port, lets the superuser "postgres" in without a password and has a database
# kaohe_test; fsync is off (the data is disposable). The URL printed is
# postgresql+psycopg://postgres@127.0.0.1:PORT/kaohe_test. Only the URL goes to stdout.
#
# PostgreSQL is taken from /usr/lib/postgresql/*/bin (Debian/Ubuntu), $KAOHE_PG_BINDIR or
# `pg_config --bindir`; when none is found and we are root, it is installed with
# `apt-get install -y postgresql`. As root the server runs as the `postgres` OS user, since
# PostgreSQL refuses to run as root. Running `start` again while the server runs is a no-op.
set -euo pipefail

STATE=${KAOHE_PG_DIR:-/tmp/kaohe-pg-test-$(id -un)}
MARKER=.kaohe-pg-test # marks a directory this script may delete
DB=kaohe_test

log() { printf 'pg-test-server: %s\n' "$*" >&2; }
die() {
    log "$*"
    exit 1
}
is_root() { [[ $(id -u) -eq 0 ]]; }

find_bindir() {
    local dir
    if [[ -n ${KAOHE_PG_BINDIR:-} ]]; then
        if [[ -x $KAOHE_PG_BINDIR/initdb ]]; then echo "$KAOHE_PG_BINDIR"; fi
        return 0
    fi
    # The newest version with a server (a client-only version has psql there but no initdb).
    while read -r dir; do
        if [[ -x $dir/initdb ]]; then
            echo "$dir"
            return
        fi
    done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -rV)
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir)
        if [[ -x $dir/initdb ]]; then echo "$dir"; fi
    fi
    return 0
}

install_postgresql() {
    is_root || die "PostgreSQL is not installed; install it (Debian/Ubuntu: sudo apt-get install postgresql) or set KAOHE_PG_BINDIR"
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and there is no apt-get; install it or set KAOHE_PG_BINDIR"
    log "installing PostgreSQL: apt-get install -y postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >&2
    apt-get install -y -qq --no-install-recommends postgresql </dev/null >&2
}

# Run a server program: as the postgres OS user when we are root, from a directory it may enter.
as_server_user() {
    # 9<&-: the server must not inherit (and so hold) the lock below.
    if is_root; then
        (cd / && runuser -u postgres -- "$@" 9<&-)
    else
        (cd / && "$@" 9<&-)
    fi
}

# Our server is up and answers on its port.
running() {
    [[ -f $STATE/port && -f $STATE/data/PG_VERSION ]] &&
        as_server_user "$BIN/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1 &&
        "$BIN/pg_isready" -q -t 10 -h 127.0.0.1 -p "$(cat "$STATE/port")"
}

url() { echo "postgresql+psycopg://postgres@127.0.0.1:$(cat "$STATE/port")/$DB"; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A directory we may empty: missing, empty, or made by this script.
check_state_dir() {
    [[ -e $STATE ]] || return 0
    [[ -d $STATE && (-f $STATE/$MARKER || -z $(ls -A "$STATE")) ]] ||
        die "$STATE exists and was not made by this script; set KAOHE_PG_DIR to another directory"
}

start() {
    BIN=$(find_bindir)
    if [[ -z $BIN ]]; then
        install_postgresql
        BIN=$(find_bindir)
        [[ -n $BIN ]] || die "PostgreSQL was installed but no initdb was found under /usr/lib/postgresql/*/bin"
    fi
    if ! running; then
        check_state_dir
        if [[ -d $STATE/data ]]; then
            as_server_user "$BIN/pg_ctl" -D "$STATE/data" -m immediate -W -s stop >/dev/null 2>&1 || true
        fi
        rm -rf "$STATE"
        mkdir -p "$STATE"
        touch "$STATE/$MARKER"
        chmod 700 "$STATE"
        if is_root; then
            id postgres >/dev/null 2>&1 || die "there is no 'postgres' OS user to run the server as"
            chown postgres: "$STATE"
            runuser -u postgres -- test -w "$STATE" ||
                die "the postgres OS user cannot reach $STATE; set KAOHE_PG_DIR to a directory under /tmp"
        fi
        as_server_user "$BIN/initdb" -D "$STATE/data" -U postgres --auth=trust --encoding=UTF8 --no-locale \
            --no-sync >"$STATE/initdb.log" 2>&1 || {
            cat "$STATE/initdb.log" >&2
            die "initdb failed"
        }
        # C collation (--no-locale) sorts text by code point, as SQLite does.
        cat >>"$STATE/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
        local port attempt
        for attempt in 1 2 3 4 5; do
            port=$(free_port)
            if as_server_user "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/data/server.log" -o "-p $port" -w -t 60 -s \
                start >/dev/null 2>&1; then
                echo "$port" >"$STATE/port"
                break
            fi
            log "server did not start on port $port (attempt $attempt)"
            [[ $attempt -lt 5 ]] || {
                tail -n 20 "$STATE/data/server.log" >&2 || true
                die "could not start PostgreSQL in $STATE"
            }
        done
        log "started PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') in $STATE on 127.0.0.1:$port"
    fi
    local port
    port=$(cat "$STATE/port")
    if [[ -z $("$BIN/psql" -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atq \
        -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
        "$BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB"
    fi
    url
}

stop() {
    [[ -d $STATE ]] || return 0
    check_state_dir
    if [[ -d $STATE/data ]]; then
        BIN=$(find_bindir)
        if [[ -n $BIN ]]; then
            as_server_user "$BIN/pg_ctl" -D "$STATE/data" -m immediate -w -s stop >/dev/null 2>&1 || true
        fi
    fi
    rm -rf "$STATE"
    log "stopped; removed $STATE"
}

# One invocation at a time (start and stop of the same directory must not interleave).
exec 9<"$0"
flock 9 2>/dev/null || true

case ${1:-start} in
start) start ;;
stop) stop ;;
url)
    BIN=$(find_bindir)
    if [[ -z $BIN ]] || ! running; then die "no server running in $STATE"; fi
    url
    ;;
*) die "usage: $0 [start|url|stop]" ;;
esac
