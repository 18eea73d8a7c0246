#!/usr/bin/env bash
# Storms of connections against a gateway that has too few file descriptors: looks for crashes,
# spinning and a gateway that does not recover. Not a benchmark; a hunt for faults that show in
# one run of many.
#
# What runs (127.0.0.1 only; PostgreSQL on a Unix socket): a throwaway PostgreSQL with TENANTS
# tenants (every tenth frozen), the upstream nginx (2 workers), and the release gateway in its
# default configuration with its access log to a file, started under `prlimit --nofile=LIMIT`
# (soft and hard: the gateway cannot raise it). Each of RUNS storms is `wrk -t2 -cCONNECTIONS
# -dSECONDS` with a mix of forwarded requests and blocked admin pages of frozen tenants, new
# connections now and then (`Connection: close` on every tenth request), so that accepting,
# connecting upstream and opening nothing else all hit the limit. After every storm the gateway
# must still run, answer a request within 5 s and have used little CPU in the 2 s after the storm
# (a spinning accept loop burns a core). At the end it must stop on SIGTERM with status 0.
#
#   scripts/descriptor-storm.sh                    # RUNS=20 SECONDS_PER_RUN=5 CONNECTIONS=400 LIMIT=256
#   RUNS=50 LIMIT=128 scripts/descriptor-storm.sh
#
# Exit status 0 when every storm passed, 1 at the first failure (its evidence printed: the
# gateway's exit signal or status and the end of its error log).
source "$(dirname "$0")/../bench/common.sh"
source "$(dirname "$0")/../bench/gateway-bench.sh"

RUNS=${RUNS:-20}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONNECTIONS=${CONNECTIONS:-400}
LIMIT=${LIMIT:-256}
TENANTS=${TENANTS:-1000}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
UPSTREAM_PORT=18290
GATE_PORT=18292
GATE_ADMIN_PORT=18293
FORWARDED_PATH=/customer/1/file.bin

finish() {
    local status=$?
    trap - EXIT
    set +e
    stop_tenant_db
    cleanup
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need wrk wrk
need nginx nginx
need prlimit util-linux
build_freezegate
start_tenant_db
start_upstream

# Forwarded (an active tenant's client cabinet) and blocked (a frozen tenant's admin page), and a
# closed connection every tenth request.
cat > "$WORK/storm.lua" <<'LUA'
local n = 0
request = function()
    n = n + 1
    local headers = {}
    if n % 10 == 0 then headers["Connection"] = "close" end
    if n % 3 == 0 then
        headers["Host"] = "t00040.s20.online"
        return wrk.format("GET", "/company/1/x", headers)
    end
    headers["Host"] = "t00042.s20.online"
    return wrk.format("GET", "/customer/1/file.bin", headers)
end
LUA

prlimit --nofile="$LIMIT:$LIMIT" "$FREEZEGATE" serve --database-url "$DATABASE_URL_BENCH" \
    --upstream "http://127.0.0.1:$UPSTREAM_PORT" --listen "127.0.0.1:$GATE_PORT" \
    --admin-listen "127.0.0.1:$GATE_ADMIN_PORT" --access-log "$WORK/access.log" \
    > "$WORK/gateway.out" 2> "$WORK/gateway.err" &
GATE_PID=$!
PIDS+=("$GATE_PID")
wait_for_port "$GATE_PORT"
wait_gateway_ready gateway "$GATE_PID" "$GATE_ADMIN_PORT"
echo "gateway ready (pid $GATE_PID, descriptors limited to $LIMIT, $GATEWAY_LOADED tenants)"

fail() {
    echo "FAILED in storm $1: $2" >&2
    if ! kill -0 "$GATE_PID" 2>/dev/null; then
        local status=0
        wait "$GATE_PID" || status=$?
        if [ "$status" -gt 128 ]; then
            echo "the gateway died of signal $((status - 128)) ($(kill -l $((status - 128))))" >&2
        else
            echo "the gateway exited with status $status" >&2
        fi
    fi
    echo "--- end of the gateway's error log:" >&2
    tail -40 "$WORK/gateway.err" >&2
    exit 1
}

for run in $(seq 1 "$RUNS"); do
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/storm.lua" "http://127.0.0.1:$GATE_PORT/" 2>&1 || true)
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    errors=$(awk '/Socket errors/ {print $0}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    kill -0 "$GATE_PID" 2>/dev/null || fail "$run" "the gateway is gone after the storm"
    before=$(cpu_ticks "$GATE_PID")
    sleep 2
    after=$(cpu_ticks "$GATE_PID")
    cpu=$(awk -v t="$((after - before))" -v hz="$TICK" 'BEGIN {printf "%.2f", t / hz}')
    awk -v c="$cpu" 'BEGIN {exit !(c < 0.5)}' || fail "$run" "$cpu CPU seconds in the 2 s after the storm (spinning?)"
    status=$(curl -s -o /dev/null -m 5 -w '%{http_code}' -H 'Host: t00042.s20.online' \
        "http://127.0.0.1:$GATE_PORT$FORWARDED_PATH" || true)
    [ "$status" = 200 ] || fail "$run" "a request after the storm got '$status', not 200"
    echo "storm $run: ${requests:-0} requests, non-2xx ${non2xx:-0}, ${errors:-no socket errors}; CPU after: ${cpu} s; then 200"
done

warnings=$(grep -c "out of file descriptors" "$WORK/gateway.err" || true)
echo "'out of file descriptors' warnings in the error log: $warnings (at most one per 10 s; quiet episodes are counted in the next one)"
kill -TERM "$GATE_PID"
status=0
wait "$GATE_PID" || status=$?
PIDS=("${PIDS[@]/$GATE_PID/}")
[ "$status" = 0 ] || fail end "the gateway stopped with status $status on SIGTERM"
echo "all $RUNS storms passed; the gateway stopped with status 0"
