#!/usr/bin/env bash
# What balancing across several upstream servers costs: FreezeGate (release build) forwarding to
# one upstream server against the same build forwarding to two (round robin, the default), in
# alternating rounds, as users run it.
#
# What runs (all on 127.0.0.1; PostgreSQL on a Unix socket only):
#   - PostgreSQL with TENANTS tenants (default 10,000), every tenth frozen (bench/gateway-bench.sh);
#   - the origin: nginx, 2 workers, access_log off, a static 1 KiB file, listening on two ports A
#     and B (two upstream servers to the gateway, the same origin processes for both gateways);
#   - gateway "one": `serve --upstream http://127.0.0.1:A`; gateway "two": `serve --upstream
#     http://127.0.0.1:A --upstream http://127.0.0.1:B`; otherwise the default configuration, each
#     with its access log to a file (the default users run; ACCESS_LOG=off turns it off).
# Each round runs wrk (-t2 -c64 --latency, 1 KiB GET as an active tenant) against both, in an order
# that alternates every round. Per run: req/s, p99 and CPU µs per request of the gateway (utime +
# stime of every thread, from /proc). Then the medians, "two" as % of "one", and how "two" spread
# its requests over the servers (freezegate_upstream_server_requests_total).
#
#   bench/upstreams-one-vs-two.sh                 # ROUNDS=5 DURATION=5
#   ROUNDS=3 DURATION=3 bench/upstreams-one-vs-two.sh
#
# Environment: ROUNDS (5), DURATION (seconds per run, 5), CONNECTIONS (64), WRK_THREADS (2),
# TENANTS (10000), ACCESS_LOG (file | off), PG_BIN (/usr/lib/postgresql/15/bin).
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/gateway-bench.sh"

START_SECONDS=$(date +%s)
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
TENANTS=${TENANTS:-10000}
ACCESS_LOG=${ACCESS_LOG:-file}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
UPSTREAM_PORT=18290
SECOND_UPSTREAM_PORT=18291
ONE_PORT=18292
ONE_ADMIN_PORT=18293
TWO_PORT=18294
TWO_ADMIN_PORT=18295
ACTIVE_HOST=t00042.s20.online
FORWARDED_PATH=/customer/1/file.bin

case $ACCESS_LOG in file | off) ;; *) echo "ACCESS_LOG must be file or off, not '$ACCESS_LOG'" >&2; exit 2 ;; esac
[ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL server binaries in $PG_BIN (set PG_BIN)" >&2; exit 2; }
# shellcheck disable=SC2046 # one name per variable
unset DATABASE_URL $(compgen -e | grep '^FREEZEGATE_' || true)

finish() {
    local status=$?
    trap - EXIT
    set +e
    stop_tenant_db
    cleanup
    echo "total runtime: $(($(date +%s) - START_SECONDS)) s" >&2
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need nginx nginx
need wrk wrk
need curl curl
build_freezegate
echo "$ROUNDS rounds x $DURATION s per gateway: about $((2 * (2 + ROUNDS * DURATION))) s of load" >&2

start_tenant_db
# One origin nginx (2 workers) listening on two ports: two upstream servers to the gateway, the
# same processes on this machine for both gateways. Two origin processes would put more runnable
# processes on the 2 cores during the "two" runs only, and the gateway's CPU per request would
# then measure the scheduler, not the balancing.
mkdir -p "$WORK/www$(dirname "$FORWARDED_PATH")"
head -c 1024 /dev/urandom > "$WORK/www$FORWARDED_PATH"
chmod -R a+rX "$WORK/www"
start_nginx upstream "
user root;
worker_processes 2;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$UPSTREAM_PORT;
        listen 127.0.0.1:$SECOND_UPSTREAM_PORT;
        root $WORK/www;
    }
}"
wait_for_port "$UPSTREAM_PORT"
wait_for_port "$SECOND_UPSTREAM_PORT"

start_gateway() { # start_gateway NAME PORT ADMIN-PORT UPSTREAM-FLAGS... -> GATEWAY_PID
    local name=$1 port=$2 admin=$3 log=(--access-log off)
    shift 3
    [ "$ACCESS_LOG" = file ] && log=(--access-log "$WORK/$name-access.log")
    "$FREEZEGATE" serve --database-url "$DATABASE_URL_BENCH" "$@" --listen "127.0.0.1:$port" \
        --admin-listen "127.0.0.1:$admin" "${log[@]}" > "$WORK/$name.out" 2> "$WORK/$name.err" &
    GATEWAY_PID=$!
    PIDS+=("$GATEWAY_PID")
    wait_gateway_ready "$name" "$GATEWAY_PID" "$admin"
    echo "  $name: ready, snapshot of ${GATEWAY_LOADED:-?} tenants; $* ${log[*]}" >&2
}
start_gateway one $ONE_PORT $ONE_ADMIN_PORT --upstream "http://127.0.0.1:$UPSTREAM_PORT"
ONE_PID=$GATEWAY_PID
start_gateway two $TWO_PORT $TWO_ADMIN_PORT --upstream "http://127.0.0.1:$UPSTREAM_PORT" \
    --upstream "http://127.0.0.1:$SECOND_UPSTREAM_PORT"
TWO_PID=$GATEWAY_PID

pid_of() { case $1 in one) echo "$ONE_PID" ;; two) echo "$TWO_PID" ;; esac; }
port_of() { case $1 in one) echo $ONE_PORT ;; two) echo $TWO_PORT ;; esac; }

run_wrk() { # run_wrk PORT SECONDS -> W_RPS, W_P99 (ms), W_REQUESTS, W_NON2XX
    local out
    out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${2}s" --latency -H "Host: $ACTIVE_HOST" "http://127.0.0.1:$1$FORWARDED_PATH")
    W_RPS=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    W_P99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
    W_REQUESTS=$(awk '/requests in/ {print $1}' <<<"$out")
    W_NON2XX=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    W_NON2XX=${W_NON2XX:-0}
    [ "${W_REQUESTS:-0}" -gt 0 ] || { echo "wrk got no answers from port $1:" >&2; echo "$out" >&2; exit 1; }
}

for target in one two; do
    got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "Host: $ACTIVE_HOST" \
        "http://127.0.0.1:$(port_of $target)$FORWARDED_PATH")
    [ "$got" = "200 1024" ] || { echo "$target answered '$got', not '200 1024'" >&2; exit 1; }
    run_wrk "$(port_of $target)" 2 # warm-up
done

declare -A RPS P99 CPU
echo "## Host: $ACTIVE_HOST, GET $FORWARDED_PATH (1 KiB), wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, access log: $ACCESS_LOG"
printf '%-6s %-7s %12s %10s %12s\n' round gateway req/s p99_ms cpu_us/req
for round in $(seq 1 "$ROUNDS"); do
    order=(one two)
    [ $((round % 2)) = 0 ] && order=(two one)
    for target in "${order[@]}"; do
        pid=$(pid_of "$target")
        before=$(cpu_ticks "$pid")
        run_wrk "$(port_of "$target")" "$DURATION"
        after=$(cpu_ticks "$pid")
        cpu=$(awk -v t="$((after - before))" -v hz="$TICK" -v n="$W_REQUESTS" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
        [ "$W_NON2XX" != 0 ] && echo "  $target: $W_NON2XX non-2xx responses" >&2
        printf '%-6s %-7s %12s %10s %12s\n' "$round" "$target" "$W_RPS" "$W_P99" "$cpu"
        RPS[$target]+="$W_RPS "
        P99[$target]+="$W_P99 "
        CPU[$target]+="$cpu "
    done
done

echo
printf '%-7s %12s %10s %12s\n' median req/s p99_ms cpu_us/req
for target in one two; do
    # shellcheck disable=SC2086 # word splitting of the collected figures is intended
    printf '%-7s %12s %10s %12s\n' "$target" "$(median ${RPS[$target]})" "$(median ${P99[$target]})" "$(median ${CPU[$target]})"
done
# shellcheck disable=SC2086
awk -v a="$(median ${RPS[two]})" -v b="$(median ${RPS[one]})" -v c="$(median ${CPU[two]})" -v d="$(median ${CPU[one]})" \
    'BEGIN {printf "two servers: %.0f %% of one server'"'"'s req/s, %.0f %% of its CPU per request\n", 100 * a / b, 100 * c / d}'
echo "spread of \"two\" (freezegate_upstream_server_requests_total):"
curl -fs "http://127.0.0.1:$TWO_ADMIN_PORT/metrics" | awk '/^freezegate_upstream_server_requests_total/ {s[$1] += $2} END {for (k in s) print "  " k, s[k]}' | sort
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
