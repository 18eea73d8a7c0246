# Shared helpers of the bench scripts: install tools from Debian, start nginx instances and
# FreezeGate on 127.0.0.1 only, clean everything up on exit.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/freezegate-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

need() { # need COMMAND DEBIAN-PACKAGE
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "installing $2 from Debian" >&2
        # Keep the package's own service (nginx on :80) from starting.
        local policy_added=""
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
            chmod +x /usr/sbin/policy-rc.d
            policy_added=1
        fi
        # One package index update per run, however many packages are missing.
        if [ -z "${APT_UPDATED:-}" ]; then
            apt-get update -qq >/dev/null
            APT_UPDATED=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
        if [ -n "$policy_added" ]; then rm -f /usr/sbin/policy-rc.d; fi
    fi
}

wait_for_port() { # wait_for_port PORT
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1" >&2
    return 1
}

start_nginx() { # start_nginx NAME CONFIG-BODY  (runs in the foreground of a background job)
    local dir="$WORK/$1"
    mkdir -p "$dir/logs"
    cat > "$dir/nginx.conf" <<CONF
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
$2
CONF
    nginx -p "$dir" -c "$dir/nginx.conf" &
    PIDS+=($!)
}

build_freezegate() {
    # GATEWAY_BINARY: measure a binary built before (say, to profile another build) without building.
    if [ -n "${GATEWAY_BINARY:-}" ]; then
        FREEZEGATE=$GATEWAY_BINARY
        return
    fi
    # niced: the build may share the machine with other work; the measurement starts after it.
    (cd "$REPO" && nice -n 10 swift build -c release --product freezegate >&2)
    FREEZEGATE="$REPO/.build/release/freezegate"
}

start_freezegate() { # start_freezegate LISTEN-PORT ADMIN-PORT UPSTREAM-PORT [extra flags]
    local listen=$1 admin=$2 upstream=$3
    shift 3
    "$FREEZEGATE" serve --database-url "postgresql:///unused" --upstream "http://127.0.0.1:$upstream" \
        --listen "127.0.0.1:$listen" --admin-listen "127.0.0.1:$admin" --log-level warning "$@" \
        > "$WORK/freezegate.out" 2> "$WORK/freezegate.err" &
    FREEZEGATE_PID=$!
    PIDS+=($FREEZEGATE_PID)
    wait_for_port "$listen"
}
