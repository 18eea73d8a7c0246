#!/usr/bin/env bash
# Chaos/soak run of FreezeGate's HTTP/2 server side with real processes, all on 127.0.0.1:
# a throwaway PostgreSQL (as user postgres, Unix socket only) with TENANTS tenants (every tenth
# frozen, as bench/gateway-bench.sh seeds them), a CA + *.s20.online certificate (openssl CLI),
# scripts/h2-chaos-upstream.py as the upstream (logs every request it sees as JSON lines), and
# `freezegate serve --tls-listen` in front of it. Then h2load/curl load, frame-level abuse from
# scripts/h2-chaos.py (python h2) and SIGHUPs, all at once, and the checks after it.
#
#   scripts/h2-chaos.sh up        # start everything, leave it running (state in $WORK/env)
#   scripts/h2-chaos.sh load      # the concurrent load + abuse + SIGHUP phase
#   scripts/h2-chaos.sh state     # gauges, RSS, fds, CPU of the running gateway
#   scripts/h2-chaos.sh down      # stop everything started by `up`
#   scripts/h2-chaos.sh all       # up, warm-up, state, load, 15 s quiet, state, checks, down
#
# `all` ends with a verdict and exits non-zero when the gateway died, logged a fatal error, still
# burns CPU 15 s after the load, or still counts client connections.
#
# Environment: WORK (/tmp/h2chaos), TENANTS (200), PG_BIN (/usr/lib/postgresql/15/bin),
# FREEZEGATE (.build/release/freezegate), PY (a Python with `h2`; by default a virtual environment
# made in .build/tools/h2venv with `pip install h2`), LOAD_SECONDS (60 per h2load run). Needs
# h2load (nghttp2-client), curl, openssl, PostgreSQL 15 and root (PostgreSQL runs as `postgres`).
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-/tmp/h2chaos}
TENANTS=${TENANTS:-200}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
FREEZEGATE=${FREEZEGATE:-$REPO/.build/release/freezegate}
PY=${PY:-}
if [ -z "$PY" ]; then
    PY=$REPO/.build/tools/h2venv/bin/python
    if [ ! -x "$PY" ]; then
        python3 -m venv "$REPO/.build/tools/h2venv" \
            && "$REPO/.build/tools/h2venv/bin/pip" install --quiet --disable-pip-version-check h2 \
            || { echo "could not make a Python virtual environment with h2 (python3-venv, PyPI)" >&2; exit 1; }
    fi
fi
LOAD_SECONDS=${LOAD_SECONDS:-60}
UPSTREAM_PORT=18390
GATE_PORT=18392
ADMIN_PORT=18393
ADMIN=127.0.0.1:$ADMIN_PORT

as_pg() { runuser -u postgres -- "$@"; }
say() { echo "[$(date +%T)] $*" >&2; }

wait_for_port() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1" >&2
    return 1
}

up() {
    # A run left behind (interrupted before `down`) is stopped, and its database cluster removed.
    down
    if [ -f "$WORK/pg/data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1
    fi
    rm -rf "$WORK/pg"
    mkdir -p "$WORK" && chmod 755 "$WORK"
    : > "$WORK/env"
    # PostgreSQL
    local port=$((20000 + RANDOM % 20000))
    mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
    as_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 60 \
        -o "-k $WORK/pg -p $port -c listen_addresses=''" start >/dev/null
    echo "PG_STARTED=1" >> "$WORK/env"
    DATABASE_URL_CHAOS="postgresql:///freezegate_chaos?host=$WORK/pg&port=$port&user=postgres"
    psql -X -q -v ON_ERROR_STOP=1 "postgresql:///postgres?host=$WORK/pg&port=$port&user=postgres" \
        -c 'CREATE DATABASE freezegate_chaos'
    "$FREEZEGATE" migrate --database-url "$DATABASE_URL_CHAOS" > "$WORK/migrate.log" 2>&1 \
        || { cat "$WORK/migrate.log" >&2; return 1; }
    psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL_CHAOS" >/dev/null <<SQL
SELECT count(*) FROM (
    SELECT freezegate.create_tenant('t' || lpad(i::text, 5, '0'), 'owner' || i || '@school' || i || '.example',
                                    now() + interval '365 days')
    FROM generate_series(1, $TENANTS) AS i) AS created;
SELECT count(*) FROM (
    SELECT freezegate.force_freeze('t' || lpad(i::text, 5, '0'), now(), now() + interval '60 days',
                                   'chaos: a frozen tenant')
    FROM generate_series(10, $TENANTS, 10) AS i) AS frozen;
SQL
    # Certificate
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -subj "/CN=FreezeGate chaos CA" -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -subj "/CN=acme.s20.online" -keyout "$WORK/server.key" -out "$WORK/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:acme.s20.online,DNS:*.s20.online\nextendedKeyUsage=serverAuth\n' > "$WORK/ext.cnf"
    openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
        -days 30 -extfile "$WORK/ext.cnf" -out "$WORK/server.crt" 2>/dev/null
    cat "$WORK/server.crt" "$WORK/ca.pem" > "$WORK/chain.pem"
    # Upstream
    : > "$WORK/upstream.jsonl"
    setsid python3 "$REPO/scripts/h2-chaos-upstream.py" $UPSTREAM_PORT "$WORK/upstream.jsonl" \
        > "$WORK/upstream.err" 2>&1 &
    echo "UPSTREAM_PID=$!" >> "$WORK/env"
    wait_for_port $UPSTREAM_PORT
    echo "DATABASE_URL_CHAOS='$DATABASE_URL_CHAOS'" >> "$WORK/env"
    start_gateway
}

# GATE_EXTRA: more `serve` flags, e.g. GATE_EXTRA="--client-idle-timeout 3"
start_gateway() {
    # Gateway (info logs: the abuse closes are logged at info)
    # shellcheck disable=SC2086
    setsid "$FREEZEGATE" serve --database-url "$DATABASE_URL_CHAOS" --upstream "http://127.0.0.1:$UPSTREAM_PORT" \
        --tls-listen "127.0.0.1:$GATE_PORT" --tls-cert "$WORK/chain.pem" --tls-key "$WORK/server.key" \
        --admin-listen "$ADMIN" --access-log "$WORK/access.log" --log-level info \
        --upstream-response-timeout 30 ${GATE_EXTRA:-} \
        >> "$WORK/gateway.out" 2>> "$WORK/gateway.err" &
    local gw=$!
    sed -i '/^GATE_PID=/d' "$WORK/env"
    echo "GATE_PID=$gw" >> "$WORK/env"
    for _ in $(seq 1 600); do
        curl -fs -o /dev/null "http://$ADMIN/readyz" && break
        kill -0 "$gw" 2>/dev/null || { echo "gateway exited" >&2; tail "$WORK/gateway.err" >&2; return 1; }
        sleep 0.1
    done
    curl -fs -o /dev/null "http://$ADMIN/readyz" || { echo "gateway not ready" >&2; return 1; }
    say "up: gateway pid $gw, https://127.0.0.1:$GATE_PORT, admin $ADMIN, work $WORK"
}

restart_gateway() { # stop the gateway (SIGTERM, drain) and start it again with GATE_EXTRA
    # shellcheck disable=SC1091
    source "$WORK/env"
    kill "$GATE_PID"
    for _ in $(seq 1 150); do kill -0 "$GATE_PID" 2>/dev/null || break; sleep 0.2; done
    start_gateway
}

down() {
    [ -f "$WORK/env" ] || return 0
    # shellcheck disable=SC1091
    source "$WORK/env"
    for pid in ${GATE_PID:-} ${UPSTREAM_PID:-}; do kill "$pid" 2>/dev/null; done
    for pid in ${GATE_PID:-} ${UPSTREAM_PID:-}; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null
    done
    [ -n "${PG_STARTED:-}" ] && as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1
    rm -f "$WORK/env"
    say "down"
}

# One line of the gateway's state: gauges from /metrics, RSS, fds, CPU ticks, threads.
state() {
    # shellcheck disable=SC1091
    source "$WORK/env"
    local label=${1:-now} m
    m=$(curl -fs "http://$ADMIN/metrics")
    echo "== state $label $(date +%T)"
    kill -0 "$GATE_PID" 2>/dev/null && echo "gateway pid $GATE_PID alive" || echo "GATEWAY PID $GATE_PID DEAD"
    grep -E '^freezegate_(client_connections|upstream_(connections|pool)[a-z_]*|http2_[a-z_]+|http_requests_total|process_open_fds|process_resident)' <<<"$m" | grep -v '^#'
    grep -E '^(VmRSS|VmHWM|Threads)' "/proc/$GATE_PID/status"
    echo "fds $(ls "/proc/$GATE_PID/fd" | wc -l)"
    echo "tcp_to_upstream $(ss -Htn state established "( dport = :$UPSTREAM_PORT )" | wc -l)"
    echo "tcp_client_side $(ss -Htn "( sport = :$GATE_PORT )" | wc -l)"
    echo "cpu_ticks $(sed 's/.*) //' "/proc/$GATE_PID/stat" | awk '{print $12 + $13}')"
}

cpu_percent() { # over N seconds
    # shellcheck disable=SC1091
    source "$WORK/env"
    local a b
    a=$(sed 's/.*) //' "/proc/$GATE_PID/stat" | awk '{print $12 + $13}')
    sleep "$1"
    b=$(sed 's/.*) //' "/proc/$GATE_PID/stat" | awk '{print $12 + $13}')
    echo "cpu over $1 s: $(( (b - a) * 100 / $(getconf CLK_TCK) / $1 )) %"
}

CURL=(curl --http2 -sk --resolve "t00042.s20.online:$GATE_PORT:127.0.0.1" --resolve "t00017.s20.online:$GATE_PORT:127.0.0.1"
      --resolve "t00020.s20.online:$GATE_PORT:127.0.0.1" --max-time 60)

load() {
    # shellcheck disable=SC1091
    source "$WORK/env"
    local L="$WORK/load" pids=()
    rm -rf "$L" && mkdir -p "$L"
    head -c 1024 /dev/urandom > "$L/body-1k"
    head -c $((100 * 1024)) /dev/urandom > "$L/body-100k"
    head -c $((5 * 1024 * 1024)) /dev/urandom > "$L/body-5m"
    : > "$L/body-0"
    local base="https://127.0.0.1:$GATE_PORT"
    say "load: h2load GET -m10 / -m100, frozen tenant, POSTs, curl uploads, python abuse, SIGHUP"
    # 1. GETs, several tenants (h2load takes one :authority per run: one run per tenant)
    h2load -D "$LOAD_SECONDS" -c 16 -m 10 -t 1 -H ':authority: t00042.s20.online' "$base/customer/1/file" > "$L/h2load-m10-t42.txt" 2>&1 & pids+=($!)
    h2load -D "$LOAD_SECONDS" -c 4 -m 100 -t 1 -H ':authority: t00017.s20.online' "$base/customer/1/file" "$base/customer/2/file" > "$L/h2load-m100-t17.txt" 2>&1 & pids+=($!)
    h2load -D "$LOAD_SECONDS" -c 4 -m 10 -t 1 -H ':authority: t00020.s20.online' "$base/company/1/users" > "$L/h2load-frozen-t20.txt" 2>&1 & pids+=($!)
    # 2. POST bodies (h2load -d sends content-length)
    for f in 1k 100k; do
        h2load -D "$LOAD_SECONDS" -c 2 -m 10 -t 1 -H ':authority: t00042.s20.online' -d "$L/body-$f" "$base/customer/1/upload" > "$L/h2load-post-$f.txt" 2>&1 & pids+=($!)
    done
    h2load -n 40 -c 2 -m 4 -t 1 --log-file "$L/h2load-post-5m.log" -H ':authority: t00042.s20.online' -d "$L/body-5m" "$base/customer/1/upload?big=5m" > "$L/h2load-post-5m.txt" 2>&1 & pids+=($!)
    # curl uploads, with and without content-length (chunked source: from stdin without size)
    (
        for i in $(seq 1 30); do
            for f in 0 1k 100k 5m; do
                "${CURL[@]}" -o "$L/curl-out" -w "cl $f %{http_code} %{size_download}\n" --data-binary "@$L/body-$f" "https://t00042.s20.online:$GATE_PORT/customer/1/upload"; echo "exit $?"
                cat "$L/body-$f" | "${CURL[@]}" -o "$L/curl-out" -w "nocl $f %{http_code} %{size_download}\n" -H 'Transfer-Encoding: chunked' --data-binary @- "https://t00042.s20.online:$GATE_PORT/customer/1/upload"; echo "exit $?"
            done
        done
    ) > "$L/curl-uploads.txt" 2>&1 & pids+=($!)
    # 3. Frame-level abuse
    "$PY" "$REPO/scripts/h2-chaos.py" --port $GATE_PORT --duration "$LOAD_SECONDS" > "$L/abuse.txt" 2>&1 & pids+=($!)
    # 4. SIGHUP every 5 s during the load
    (
        end=$((SECONDS + LOAD_SECONDS))
        while [ $SECONDS -lt $end ]; do sleep 5; kill -HUP "$GATE_PID" && echo "HUP $(date +%T)"; done
    ) > "$L/sighup.txt" 2>&1 & pids+=($!)
    local watch_end=$((SECONDS + LOAD_SECONDS + 120))
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $watch_end ]; do sleep 1; done
        if kill -0 "$pid" 2>/dev/null; then echo "client $pid still running after the deadline: HUNG" >&2; kill "$pid"; fi
        wait "$pid" 2>/dev/null
    done
    say "load done"
    summary
}

summary() {
    local L="$WORK/load"
    for f in "$L"/h2load-*.txt; do
        echo "-- $(basename "$f"): $(grep -E '^requests:' "$f") | $(grep -E '^status codes:' "$f")"
    done
    echo "-- curl uploads: $(grep -c '^exit 0' "$L/curl-uploads.txt") ok, non-zero exits: $(grep '^exit' "$L/curl-uploads.txt" | grep -vc '^exit 0')"
    grep -E ' (000|[45][0-9][0-9]) ' "$L/curl-uploads.txt" | sort | uniq -c | head
    echo "-- abuse: $(tail -n 30 "$L/abuse.txt")"
    echo "-- SIGHUPs: $(grep -c HUP "$L/sighup.txt")"
}

checks() {
    # shellcheck disable=SC1091
    source "$WORK/env"
    echo "== gateway stderr: fatal / trap / precondition / assertion / error lines"
    grep -aiE 'fatal|trap|precondition|assert|crash|backtrace|panic' "$WORK/gateway.err" | head -20
    grep -aiE 'error|critical' "$WORK/gateway.err" | sed 's/[0-9:T.+-]\{19,\}//' | sort | uniq -c | sort -rn | head -20
}

all() {
    up || { down; exit 1; }
    trap down EXIT
    say "warm-up"
    h2load -D 10 -c 8 -m 10 -t 1 -H ':authority: t00042.s20.online' "https://127.0.0.1:$GATE_PORT/customer/1/file" | grep -E '^(requests|status)'
    sleep 3
    state warm-up
    load
    say "quiet 15 s"
    sleep 15
    state after
    cpu_percent 5
    checks
    verdict
}

# Pass or fail, from the running gateway after the quiet period.
verdict() {
    # shellcheck disable=SC1091
    source "$WORK/env"
    local failed=0 cpu connections
    kill -0 "$GATE_PID" 2>/dev/null || { echo "FAIL: the gateway died"; failed=1; }
    if grep -aqiE 'fatal error|trap|precondition failed|assertion failed' "$WORK/gateway.err"; then
        echo "FAIL: a fatal error in the gateway's log"
        failed=1
    fi
    cpu=$(cpu_percent 5 | awk '{print $(NF-1)}')
    [ "${cpu:-100}" -le 10 ] || { echo "FAIL: the gateway still uses ${cpu} % CPU without load"; failed=1; }
    connections=$(curl -fs "http://$ADMIN/metrics" | awk '/^freezegate_client_connections / {print int($2)}')
    [ "${connections:-1}" = 0 ] || { echo "FAIL: ${connections:-?} client connections still counted"; failed=1; }
    [ "$failed" = 0 ] && echo "PASS: the gateway is up, idle, with no client connection and no fatal error"
    return "$failed"
}

case "${1:-all}" in
    up | down | state | load | summary | checks | verdict | all | restart_gateway) "$@" ;;
    cpu) cpu_percent "${2:-5}" ;;
    *) echo "usage: $0 up|load|state|checks|verdict|cpu|down|all" >&2; exit 2 ;;
esac
