#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: private data dir, 127.0.0.1 only, free port,
# trust auth on loopback, fsync off. Nothing outside DIR is touched (no system cluster, no
# /var/run/postgresql).
#
#   scripts/pg-throwaway.sh start [DIR]   initdb + start; prints the DATABASE_URL on stdout
#                                         (DIR defaults to a new mktemp dir, reported on stderr)
#   scripts/pg-throwaway.sh stop DIR      stop the cluster and delete DIR (KEEP=1 keeps DIR)
#   scripts/pg-throwaway.sh url DIR       print the DATABASE_URL of a running cluster
#
# Example:  dir=$(mktemp -d); url=$(scripts/pg-throwaway.sh start "$dir")
#           DATABASE_URL=$url make test; scripts/pg-throwaway.sh stop "$dir"
# Or simply: make test-pg
#
# Environment: PG_BIN (server binaries; default: newest /usr/lib/postgresql/*/bin or pg_config),
# PG_OS_USER (when run as root, the unprivileged user that owns and runs the cluster; default
# xfpg, created as a system user if missing), PG_DB (database to create; default xinfang),
# PG_WATCH_PID (stop the cluster automatically once that process has exited, however it ended;
# .ci/run and `make test-pg` pass their own PID), PG_CONF (more postgresql.conf lines, after the
# defaults above, which they override: bench/run.py --large runs the production settings of
# docs/postgresql.md, durable commits included).
# Needs the PostgreSQL server package: apt-get install -y postgresql
set -euo pipefail

DB_USER=xinfang
PG_DB=${PG_DB:-xinfang}

log() { echo "pg-throwaway: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

find_bindir() {
    if [[ -n ${PG_BIN:-} ]]; then
        echo "$PG_BIN"; return
    fi
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    if [[ -n $d && -x $d/initdb ]]; then
        echo "$d"; return
    fi
    if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/initdb ]]; then
        pg_config --bindir; return
    fi
    if command -v initdb >/dev/null; then
        dirname "$(command -v initdb)"; return
    fi
    die "PostgreSQL server binaries (initdb, pg_ctl) not found; install them: apt-get install -y postgresql"
}

# as_owner CMD...: run CMD as the cluster's OS user (initdb/postgres refuse to run as root).
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$OWNER" -- "$@"
    else
        "$@"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 30000))
        if ! port_in_use "$p"; then echo "$p"; return; fi
    done
    die "no free TCP port found on 127.0.0.1"
}

cmd_start() {
    local dir=${1:-}
    if [[ -z $dir ]]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/xinfang-pg.XXXXXX")
        log "cluster directory $dir (stop with: $0 stop $dir)"
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ -e $dir/data ]] && die "$dir/data already exists; stop that cluster first ($0 stop $dir)"

    local bindir
    bindir=$(find_bindir)
    OWNER=$(id -un)
    if [[ $(id -u) -eq 0 ]]; then
        OWNER=${PG_OS_USER:-xfpg}
        if ! id "$OWNER" >/dev/null 2>&1; then
            log "creating system user $OWNER"
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$OWNER" \
                || id "$OWNER" >/dev/null 2>&1 || die "could not create user $OWNER"
        fi
        chown "$OWNER" "$dir"
        chmod 700 "$dir"
        runuser -u "$OWNER" -- test -w "$dir" \
            || die "$OWNER cannot write $dir (is a parent directory private to root?)"
    fi
    printf 'BINDIR=%q\nOWNER=%q\n' "$bindir" "$OWNER" >"$dir/meta"

    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then locale=C.UTF-8; fi
    as_owner "$bindir/initdb" -D "$dir/data" -U "$DB_USER" --auth=trust -E UTF8 --locale="$locale" \
        --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    cat >"$dir/data/pg_hba.conf" <<'EOF'
# throwaway test cluster: socket in the data dir, TCP on IPv4 loopback only, no passwords
local all all              trust
host  all all 127.0.0.1/32 trust
EOF

    local port attempt
    for attempt in 1 2 3 4 5; do
        port=$(pick_port)
        cat >>"$dir/data/postgresql.conf" <<EOF

# --- pg-throwaway.sh (attempt $attempt) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 50
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 1GB
checkpoint_timeout = 30min
logging_collector = off
EOF
        if [[ -n ${PG_CONF:-} ]]; then
            printf '\n# --- PG_CONF ---\n%s\n' "$PG_CONF" >>"$dir/data/postgresql.conf"
        fi
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -s start >&2; then
            break
        fi
        if grep -q "could not bind\|already in use" "$dir/server.log" 2>/dev/null && [[ $attempt -lt 5 ]]; then
            log "port $port taken, retrying"
            continue
        fi
        tail -n 30 "$dir/server.log" >&2 || true
        die "PostgreSQL did not start (log: $dir/server.log)"
    done

    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$DB_USER" "$PG_DB" \
        || die "createdb $PG_DB failed (log: $dir/server.log)"

    local url="postgres://$DB_USER@127.0.0.1:$port/$PG_DB"
    echo "$url" >"$dir/database_url"
    if [[ -n ${PG_WATCH_PID:-} ]]; then start_watcher "$dir" "$PG_WATCH_PID"; fi
    log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port (data: $dir/data)"
    echo "$url"
}

# A detached watcher stops the cluster once process PID is gone, even if that process was
# SIGKILLed and never ran its trap (pg_ctl detaches postgres from the caller's process group).
start_watcher() {
    local dir=$1 pid=$2 self
    self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
    kill -0 "$pid" 2>/dev/null || die "PG_WATCH_PID=$pid is not a running process"
    # setsid -f: its own session, so killing the caller's process group does not take it along.
    setsid -f bash -c 'echo $$ >"$2/watcher.pid"
                       while kill -0 "$1" 2>/dev/null && [[ -d $2 ]]; do sleep 2; done
                       if [[ -d $2 ]]; then "$3" stop "$2"; fi' pg-throwaway-watch "$pid" "$dir" "$self" \
        </dev/null >>"$dir/watcher.log" 2>&1
    log "will stop by itself when process $pid exits"
}

cmd_stop() {
    local dir=${1:?usage: $0 stop DIR}
    [[ -d $dir ]] || { log "$dir does not exist; nothing to stop"; return 0; }
    if [[ ! -f $dir/meta ]]; then
        # start failed before doing anything (e.g. no PostgreSQL): an empty dir is fine to remove
        rmdir -- "$dir" 2>/dev/null && return 0
        die "$dir was not made by $0 start (no $dir/meta); not touching it"
    fi
    if [[ -f $dir/data/postmaster.pid ]]; then
        local BINDIR OWNER
        # shellcheck disable=SC1091
        source "$dir/meta"
        as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m fast -w -t 30 -s stop >&2 \
            || as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m immediate -w -t 30 -s stop >&2 \
            || log "WARNING: could not stop the cluster in $dir"
    fi
    if [[ -f $dir/watcher.pid ]]; then
        local wpid
        wpid=$(cat "$dir/watcher.pid")
        # (unless we are the watcher's own `stop`)
        if [[ $wpid != "$PPID" && $wpid != "$$" ]]; then kill "$wpid" 2>/dev/null || true; fi
    fi
    if [[ ${KEEP:-0} == 1 ]]; then
        log "stopped; kept $dir"
    else
        rm -rf -- "$dir"
        log "stopped and removed $dir"
    fi
}

cmd_url() {
    local dir=${1:?usage: $0 url DIR}
    cat "$dir/database_url"
}

case ${1:-} in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    url) shift; cmd_url "$@" ;;
    *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
