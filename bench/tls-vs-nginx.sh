#!/usr/bin/env bash
# FreezeGate's HTTPS listener (HTTP/1.1 over TLS and HTTP/2), run as users run it, against nginx
# 1.22 terminating TLS with the same certificate and the same TLS settings, both in front of the
# same upstream, measured in alternating rounds.
#
# What runs (all on 127.0.0.1; PostgreSQL on a Unix socket only):
#   - PostgreSQL (a throwaway cluster), migrated with `freezegate migrate`, TENANTS tenants
#     (default 10,000), every tenth frozen: the gateway loads a real snapshot and every request
#     is looked up in it (the same database as bench/proxy-vs-nginx.sh);
#   - the upstream: nginx, 2 workers, access_log off, a static 1 KiB file at /customer/1/file.bin;
#   - a CA and an EC P-256 server certificate for *.s20.online, made with the openssl CLI;
#   - FreezeGate `serve` in its default configuration plus the HTTPS listener: the database, the
#     upstream, `--tls-listen`, `--tls-cert`, `--tls-key`, the admin address and the access log's
#     path (TLS 1.2 and 1.3, Mozilla "intermediate" TLS 1.2 ciphers, ALPN h2 then http/1.1);
#   - nginx (2 workers) with the same certificate and Mozilla's intermediate settings for nginx
#     1.22 (as in bench/tls-audit.sh), `listen ... ssl http2`, an HTTP/1.1 keep-alive pool to the
#     upstream, the same X-Forwarded-* headers, `access_log FILE combined`.
# Access logs are on for both. Four measurements, each with a warm-up and then ROUNDS rounds in
# which every target gets one DURATION-second run, in an order that rotates every round:
#   handshake  new TLS connections: HANDSHAKE_CLIENTS parallel `openssl s_time -new` loops, each
#              connection a full TLS 1.3 handshake (no resumption), one HTTP/1.1 GET of the 1 KiB
#              file with `Connection: close`, and the close;
#   h1         keep-alive HTTP/1.1 over TLS: wrk -t2 -c64 --latency, 1 KiB GET;
#   h2-m1      HTTP/2: h2load -t2 -c64 -m1 (one stream at a time per connection), 1 KiB GET;
#   h2-m10     HTTP/2: h2load -t2 -c64 -m10 (ten concurrent streams per connection).
# Per run: requests (connections for `handshake`) per second, p99 where the tool gives it (wrk's
# --latency; h2load's per-request --log-file) and CPU µs per request of the server (utime + stime
# of all its processes and threads from /proc: nginx's master and workers, the gateway's one
# process), its kernel part (stime alone: sys_us/req), its context switches per request
# (voluntary/involuntary, every thread), and how busy the machine's cores were. Then per measurement the medians side by side.
#
# Why `openssl s_time -new` for handshakes: h2load reconnects after `Connection: close` resuming
# the previous connection's TLS state (a resumption, not a full handshake), and `h2load -n N -c N` opens all N
# connections at once (a burst into the listen queue, not a rate). s_time -new makes every
# connection a full handshake, one after the other per process; several processes keep that many
# handshakes in flight. It gives no latency percentiles and sends no SNI (both servers then
# present their only certificate).
#
#   bench/tls-vs-nginx.sh                                  # ROUNDS=5 DURATION=5
#   ROUNDS=3 DURATION=5 bench/tls-vs-nginx.sh
#   TESTS="h2-m1 h2-m10" bench/tls-vs-nginx.sh             # a subset of the measurements
#   BASELINE=/path/to/older/freezegate bench/tls-vs-nginx.sh   # also an older build, same rounds,
#                                      # and the two compared round by round (paired_comparison)
#   PERF=/tmp/profile bench/tls-vs-nginx.sh    # also a perf profile of FreezeGate per measurement
#   PERF=/tmp/profile PERF_CALL_GRAPH=fp bench/tls-vs-nginx.sh    # the profile with call graphs
#   SYSCALLS=1 bench/tls-vs-nginx.sh   # also each server's system calls per request (strace -c)
#   BROWSER_HEADERS=1 bench/tls-vs-nginx.sh   # requests with a browser's fields (h1, h2-m1, h2-m10)
#
# Environment: ROUNDS (5), DURATION (seconds per run, 5), CONNECTIONS (64), THREADS (client
# threads of wrk and h2load, 2), HANDSHAKE_CLIENTS (8), TESTS ("handshake h1 h2-m1 h2-m10"),
# TENANTS (10000), BASELINE, PERF, BROWSER_HEADERS (0), PG_BIN (/usr/lib/postgresql/15/bin).
# Needs (Debian 12 packages): nginx, wrk, nghttp2-client (h2load), openssl, curl, postgresql-15
# (and linux-perf for PERF); installs the first five when missing (as root) and runs PostgreSQL as
# user postgres.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/gateway-bench.sh"

START_SECONDS=$(date +%s)
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
HANDSHAKE_CLIENTS=${HANDSHAKE_CLIENTS:-8}
TESTS=${TESTS:-handshake h1 h2-m1 h2-m10}
TENANTS=${TENANTS:-10000}
BASELINE=${BASELINE:-}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
UPSTREAM_PORT=18290
NGINX_PORT=18291
GATE_PORT=18292
GATE_ADMIN_PORT=18293
BASELINE_PORT=18294
BASELINE_ADMIN_PORT=18295
ACTIVE_HOST=t00042.s20.online       # active: forwarded
FORWARDED_PATH=/customer/1/file.bin # class "client": forwarded

for test in $TESTS; do
    case $test in
        handshake | h1 | h2-m1 | h2-m10) ;;
        *) echo "TESTS: unknown measurement '$test' (handshake, h1, h2-m1, h2-m10)" >&2; exit 2 ;;
    esac
done
[ -n "$BASELINE" ] && [ ! -x "$BASELINE" ] && { echo "BASELINE=$BASELINE is not an executable" >&2; exit 2; }
[ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL server binaries in $PG_BIN (set PG_BIN)" >&2; exit 2; }

# "Default configuration" means nothing from the environment either.
# shellcheck disable=SC2046 # one name per variable
unset DATABASE_URL $(compgen -e | grep '^FREEZEGATE_' || true)

finish() {
    local status=$?
    trap - EXIT
    set +e
    # The servers first (common.sh's PIDS), then PostgreSQL, whose directory cleanup removes.
    local pid
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null; done
    PIDS=()
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
need h2load nghttp2-client
need openssl openssl
need curl curl
[ -n "${SYSCALLS:-}" ] && need strace strace
build_freezegate

TARGETS=(freezegate nginx)
[ -n "$BASELINE" ] && TARGETS+=(baseline)
# shellcheck disable=SC2086 # one word per measurement
set -- $TESTS
echo "measurements: $TESTS; $ROUNDS rounds x $DURATION s per target: about $(( $# * ${#TARGETS[@]} * (2 + ROUNDS * DURATION) )) s of load" >&2

# ---- PostgreSQL, the upstream, the certificate ---------------------------------------------------
start_tenant_db
start_upstream

# A CA and a server certificate for the tenants' names (as bench/tls-audit.sh).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 398 \
    -subj "/CN=FreezeGate bench CA" -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=acme.s20.online" -keyout "$WORK/server.key" -out "$WORK/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:acme.s20.online,DNS:*.s20.online\nextendedKeyUsage=serverAuth\n' > "$WORK/ext.cnf"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial -days 90 \
    -extfile "$WORK/ext.cnf" -out "$WORK/server.crt" 2>/dev/null
cat "$WORK/server.crt" "$WORK/ca.pem" > "$WORK/chain.pem"

# ---- the servers ---------------------------------------------------------------------------------
start_gateway() { # start_gateway NAME BINARY PORT ADMIN-PORT -> GATEWAY_PID
    local name=$1 binary=$2 port=$3 admin=$4 flags=() out="$WORK/$1.out" help
    # The help is read whole first (grep -q would stop reading early: SIGPIPE under pipefail).
    help=$("$binary" serve --help 2>&1 || true)
    grep -q -- '--tls-listen' <<<"$help" || { echo "$name ($binary) has no --tls-listen" >&2; exit 2; }
    if grep -q -- '--access-log' <<<"$help"; then
        flags=(--access-log "$WORK/$name-access.log")
    else
        out="$WORK/$name-access.log" # an older build: the access log is info lines on stdout
    fi
    "$binary" serve --database-url "$DATABASE_URL_BENCH" --upstream "http://127.0.0.1:$UPSTREAM_PORT" \
        --tls-listen "127.0.0.1:$port" --tls-cert "$WORK/chain.pem" --tls-key "$WORK/server.key" \
        --admin-listen "127.0.0.1:$admin" "${flags[@]}" > "$out" 2> "$WORK/$name.err" &
    GATEWAY_PID=$!
    PIDS+=("$GATEWAY_PID")
    wait_gateway_ready "$name" "$GATEWAY_PID" "$admin"
    echo "  $name: ready, snapshot of ${GATEWAY_LOADED:-?} tenants (${GATEWAY_FROZEN:-?} frozen)" >&2
}

start_gateway freezegate "$FREEZEGATE" $GATE_PORT $GATE_ADMIN_PORT
GATE_PID=$GATEWAY_PID
if [ -n "$BASELINE" ]; then
    start_gateway baseline "$BASELINE" $BASELINE_PORT $BASELINE_ADMIN_PORT
    BASELINE_PID=$GATEWAY_PID
fi

# nginx with Mozilla's intermediate settings (ssl-config.mozilla.org, nginx 1.22, OpenSSL 3), as
# bench/tls-audit.sh, proxying as in bench/proxy-vs-nginx.sh.
start_nginx nginx-tls "
user root;
worker_processes 2;
events { worker_connections 4096; }
http {
    access_log $WORK/nginx-tls/logs/access.log combined;
    keepalive_requests 1000000;
    upstream crm {
        server 127.0.0.1:$UPSTREAM_PORT;
        keepalive 128;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT ssl http2;
        ssl_certificate $WORK/chain.pem;
        ssl_certificate_key $WORK/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
        ssl_prefer_server_ciphers off;
        ssl_session_timeout 1d;
        ssl_session_cache shared:MozSSL:10m;
        ssl_session_tickets off;
        location / {
            proxy_pass http://crm;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$host;
        }
    }
}"
NGINX_MASTER=${PIDS[-1]}
wait_for_port $NGINX_PORT

pid_of() {
    case $1 in
        freezegate) echo "$GATE_PID" ;;
        baseline) echo "$BASELINE_PID" ;;
        nginx) echo "$NGINX_MASTER" ;;
    esac
}
port_of() {
    case $1 in
        freezegate) echo $GATE_PORT ;;
        baseline) echo $BASELINE_PORT ;;
        nginx) echo $NGINX_PORT ;;
    esac
}

check_target() { # check_target TARGET: 200 with the 1 KiB file over HTTP/1.1 (and HTTP/2 if measured)
    local port got version versions=1.1
    port=$(port_of "$1")
    [[ " $TESTS " == *" h2-"* ]] && versions="1.1 2"
    for version in $versions; do
        got=$(curl -s -o /dev/null --cacert "$WORK/ca.pem" --resolve "$ACTIVE_HOST:$port:127.0.0.1" \
            "--http$version" -w '%{http_code} %{size_download} %{http_version}' "https://$ACTIVE_HOST:$port$FORWARDED_PATH")
        [ "$got" = "200 1024 $version" ] \
            || { echo "$1: https://$ACTIVE_HOST$FORWARDED_PATH over HTTP/$version answered '$got', not '200 1024 $version'" >&2; exit 1; }
    done
}
tls_summary() { # tls_summary TARGET: what a default OpenSSL client negotiates (protocol, cipher, group, ALPN)
    openssl s_client -connect "127.0.0.1:$(port_of "$1")" -servername "$ACTIVE_HOST" -alpn h2,http/1.1 \
        -CAfile "$WORK/ca.pem" < /dev/null 2>/dev/null \
        | awk -F': ' '/^New, / {sub(/^New, /, ""); sub(/, Cipher is /, " "); p=$0} /^Server Temp Key/ {k=$2}
                      /^ALPN protocol/ {a=$2} /^Verify return code/ {v=$2}
                      END {printf "%s, %s, ALPN %s, verify %s", p, k, a, v}'
}
for target in "${TARGETS[@]}"; do
    check_target "$target"
    echo "  $target TLS: $(tls_summary "$target")" >&2
done

# ---- the load generators -------------------------------------------------------------------------
# Each sets R_RPS, R_P99 (ms, "-" when the tool gives none) and R_COUNT (requests answered 2xx,
# or connections for the handshake test); a run with errors is reported, one without answers stops
# the script.

run_handshake() { # run_handshake PORT SECONDS
    local i start end total=0 bytes_min="" count bytes clients=()
    # The request line's path carries the rest of the head: s_time appends " HTTP/1.0\r\n\r\n",
    # which ends up as the value of the last header.
    local request=$'/customer/1/file.bin HTTP/1.1\r\nHost: '"$ACTIVE_HOST"$'\r\nConnection: close\r\nX-Bench:'
    start=$(date +%s.%N)
    for i in $(seq 1 "$HANDSHAKE_CLIENTS"); do
        openssl s_time -connect "127.0.0.1:$1" -new -time "$2" -www "$request" > "$WORK/s_time.$i" 2>&1 &
        clients+=($!)
    done
    wait "${clients[@]}" || true
    end=$(date +%s.%N)
    for i in $(seq 1 "$HANDSHAKE_CLIENTS"); do
        count=$(awk '/connections in .* real seconds/ {print $1}' "$WORK/s_time.$i")
        bytes=$(awk '/bytes read per connection/ {print $(NF-4)}' "$WORK/s_time.$i")
        [ -n "$count" ] || { echo "openssl s_time against port $1 failed:" >&2; cat "$WORK/s_time.$i" >&2; exit 1; }
        total=$((total + count))
        if [ -z "$bytes_min" ] || [ "$bytes" -lt "$bytes_min" ]; then bytes_min=$bytes; fi
    done
    # A 1 KiB body and a head: anything shorter is not the file (an error page or nothing).
    [ "$bytes_min" -gt 1024 ] || { echo "port $1: $bytes_min bytes per connection: not the 1 KiB file" >&2; exit 1; }
    R_COUNT=$total
    R_RPS=$(awk -v n="$total" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", n / (e - s)}')
    R_P99=-
}

run_wrk() { # run_wrk PORT SECONDS
    local out requests non2xx fields=()
    [ "${BROWSER_HEADERS:-0}" = 1 ] && fields=("${BROWSER_FIELDS[@]}")
    # SNI is the URL's host (127.0.0.1: both servers present their only certificate).
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" --latency -H "Host: $ACTIVE_HOST" "${fields[@]}" \
        "https://127.0.0.1:$1$FORWARDED_PATH")
    R_RPS=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    R_P99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    if grep -q 'Socket errors' <<<"$out"; then echo "  wrk: $(grep 'Socket errors' <<<"$out")" >&2; fi
    [ -n "$non2xx" ] && echo "  wrk: $non2xx non-2xx responses" >&2
    [ "${requests:-0}" -gt 0 ] || { echo "wrk got no answers from port $1:" >&2; echo "$out" >&2; exit 1; }
    R_COUNT=$((requests - ${non2xx:-0}))
}

run_h2load() { # run_h2load PORT SECONDS STREAMS
    local out succeeded failed errored protocol fields=()
    [ "${BROWSER_HEADERS:-0}" = 1 ] && fields=("${BROWSER_FIELDS_H2[@]}")
    rm -f "$WORK/h2load.log"
    out=$(h2load -t"$THREADS" -c"$CONNECTIONS" -m"$3" -D"$2" --log-file="$WORK/h2load.log" "${fields[@]}" \
        --connect-to="127.0.0.1:$1" "https://$ACTIVE_HOST:$1$FORWARDED_PATH" 2>&1) \
        || { echo "h2load against port $1 failed:" >&2; echo "$out" >&2; exit 1; }
    protocol=$(awk -F': ' '/^Application protocol/ {print $2; exit}' <<<"$out")
    [ "$protocol" = h2 ] || { echo "h2load against port $1: protocol '$protocol', not h2:" >&2; echo "$out" >&2; exit 1; }
    succeeded=$(awk '/^requests:/ {print $8}' <<<"$out")
    failed=$(awk '/^requests:/ {print $10}' <<<"$out")
    errored=$(awk '/^requests:/ {print $12}' <<<"$out")
    if [ "${failed:-0}" != 0 ] || [ "${errored:-0}" != 0 ]; then
        echo "  h2load: $(grep '^requests:' <<<"$out"); $(grep '^status codes:' <<<"$out")" >&2
    fi
    [ "${succeeded:-0}" -gt 0 ] || { echo "h2load got no answers from port $1:" >&2; echo "$out" >&2; exit 1; }
    R_COUNT=$succeeded
    R_RPS=$(awk -v n="$succeeded" -v d="$2" 'BEGIN {printf "%.0f", n / d}')
    # Column 3 of the log: microseconds from the request's start to the end of its response.
    R_P99=$(awk -F'\t' '$2 >= 200 && $2 < 300 {print $3}' "$WORK/h2load.log" | sort -n \
        | awk '{a[NR]=$1} END {if (NR) {i=int(NR*0.99); if (i < 1) i=1; printf "%.2f", a[i] / 1000} else print "-"}')
}

run_test() { # run_test TEST PORT SECONDS
    case $1 in
        handshake) run_handshake "$2" "$3" ;;
        h1) run_wrk "$2" "$3" ;;
        h2-m1) run_h2load "$2" "$3" 1 ;;
        h2-m10) run_h2load "$2" "$3" 10 ;;
    esac
}

busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }

measure() { # measure TEST TARGET -> R_* and M_CPU (server CPU µs per request), M_SYS (its kernel part), M_SWITCHES (voluntary/involuntary context switches per request), M_BUSY (% of all cores)
    local pid before after kernel_before kernel_after switches_before switches_after busy_before busy_after
    pid=$(pid_of "$2")
    kill -0 "$pid" 2>/dev/null || { echo "$2 (pid $pid) is not running" >&2; exit 1; }
    busy_before=$(busy_ticks)
    before=$(cpu_ticks "$pid")
    kernel_before=$(cpu_ticks "$pid" kernel)
    switches_before=$(context_switches "$pid")
    run_test "$1" "$(port_of "$2")" "$DURATION"
    after=$(cpu_ticks "$pid")
    kernel_after=$(cpu_ticks "$pid" kernel)
    switches_after=$(context_switches "$pid")
    busy_after=$(busy_ticks)
    kill -0 "$pid" 2>/dev/null || { echo "$2 (pid $pid) ended during the run" >&2; exit 1; }
    M_CPU=$(awk -v t="$((after - before))" -v hz="$TICK" -v n="$R_COUNT" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    M_SYS=$(awk -v t="$((kernel_after - kernel_before))" -v hz="$TICK" -v n="$R_COUNT" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    M_SWITCHES=$(awk -v b="$switches_before" -v a="$switches_after" -v n="$R_COUNT" \
        'BEGIN {split(b, x, " "); split(a, y, " "); printf "%.2f/%.2f", (y[1] - x[1]) / n, (y[2] - x[2]) / n}')
    M_BUSY=$(awk -v a="$busy_before" -v b="$busy_after" 'BEGIN {split(a, x, " "); split(b, y, " "); printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2])}')
}

describe() {
    case $1 in
        handshake) echo "new TLS connections: $HANDSHAKE_CLIENTS x openssl s_time -new (full TLS 1.3 handshake, one GET $FORWARDED_PATH with Connection: close, close); req/s = connections/s" ;;
        h1) echo "HTTP/1.1 over TLS, keep-alive: wrk -t$THREADS -c$CONNECTIONS --latency, GET $FORWARDED_PATH (1 KiB), Host: $ACTIVE_HOST" ;;
        h2-m1) echo "HTTP/2: h2load -t$THREADS -c$CONNECTIONS -m1, GET $FORWARDED_PATH (1 KiB), :authority $ACTIVE_HOST" ;;
        h2-m10) echo "HTTP/2: h2load -t$THREADS -c$CONNECTIONS -m10, GET $FORWARDED_PATH (1 KiB), :authority $ACTIVE_HOST" ;;
    esac
}

declare -A SUMMARY
for test in $TESTS; do
    echo
    echo "## $test — $(describe "$test"), ${DURATION} s per run$([ "${BROWSER_HEADERS:-0}" = 1 ] && [ "$test" != handshake ] && echo ", a browser's request fields")"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    for target in "${TARGETS[@]}"; do run_test "$test" "$(port_of "$target")" 2; done # warm-up
    declare -A RPS=() P99=() CPU=() SYS=()
    BUSY=""
    printf '%-6s %-11s %10s %9s %12s %12s %14s %10s\n' round target req/s p99_ms cpu_us/req sys_us/req switches/req busy_%
    for round in $(seq 1 "$ROUNDS"); do
        count=${#TARGETS[@]}
        for index in $(seq 0 $((count - 1))); do
            target=${TARGETS[$(((index + round - 1) % count))]}
            measure "$test" "$target"
            printf '%-6s %-11s %10s %9s %12s %12s %14s %10s\n' "$round" "$target" "$R_RPS" "$R_P99" "$M_CPU" "$M_SYS" "$M_SWITCHES" "$M_BUSY"
            RPS[$target]+="$R_RPS "
            SYS[$target]+="$M_SYS "
            P99[$target]+="$R_P99 "
            CPU[$target]+="$M_CPU "
            BUSY+="$M_BUSY "
        done
    done
    if [ -n "${PERF:-}" ]; then
        # A flat profile of FreezeGate under the same load (one more run): where its time goes,
        # by binary (kernel, BoringSSL in the gateway's binary, libswiftCore…) and by symbol.
        mkdir -p "$PERF"
        perf record -q -F 1999 ${PERF_CALL_GRAPH:+--call-graph $PERF_CALL_GRAPH} -p "$GATE_PID" -o "$PERF/tls-$test.data" -- sleep "$DURATION" 2>/dev/null &
        perf_pid=$!
        run_test "$test" $GATE_PORT "$DURATION"
        wait "$perf_pid" || true
        perf report -q -i "$PERF/tls-$test.data" --no-children --sort dso --percent-limit 0.5 \
            > "$PERF/tls-$test.dso.txt" 2>/dev/null || true
        perf report -q -i "$PERF/tls-$test.data" --no-children --sort dso,sym --percent-limit 0.3 \
            > "$PERF/tls-$test.sym.txt" 2>/dev/null || true
        echo "profile: $PERF/tls-$test.{dso,sym}.txt ($R_RPS req/s while recording)"
    fi
    if [ -n "${SYSCALLS:-}" ]; then
        # One more run per server with strace counting the system calls of all its processes and
        # threads, divided by the requests its access log gained meanwhile. strace slows the
        # server: the calls per request are the figure, not the rate.
        for target in freezegate nginx; do
            if [ "$target" = nginx ]; then
                log="$WORK/nginx-tls/logs/access.log"
                mapfile -t traced < <(pgrep -P "$NGINX_MASTER")
            else
                log="$WORK/freezegate-access.log"
                traced=("$GATE_PID")
            fi
            before=$(wc -l <"$log")
            strace -f -c -o "$WORK/strace.$target" "${traced[@]/#/-p}" 2>/dev/null &
            strace_pid=$!
            sleep 0.5
            run_test "$test" "$(port_of "$target")" "$DURATION"
            kill -INT "$strace_pid" 2>/dev/null || true
            wait "$strace_pid" 2>/dev/null || true
            after=$(wc -l <"$log")
            echo "system calls per request, $target ($((after - before)) requests):" \
                "$(awk -v n=$((after - before)) '$NF != "total" && $4 ~ /^[0-9]+$/ && n > 0 && $4 / n >= 0.01 {
                    printf "%s %.2f, ", $NF, $4 / n }' "$WORK/strace.$target" | sed 's/, $//')"
        done
    fi
    echo
    printf '%-11s %10s %9s %12s %12s %14s %12s\n' median req/s p99_ms cpu_us/req sys_us/req "req/s % nginx" "cpu % nginx"
    # shellcheck disable=SC2086 # word splitting of the collected figures is intended
    nginx_rps=$(median ${RPS[nginx]})
    # shellcheck disable=SC2086
    nginx_cpu=$(median ${CPU[nginx]})
    for target in "${TARGETS[@]}"; do
        # shellcheck disable=SC2086
        m_rps=$(median ${RPS[$target]})
        if [ "$test" = handshake ]; then m_p99=-; else
            # shellcheck disable=SC2086
            m_p99=$(median ${P99[$target]})
        fi
        # shellcheck disable=SC2086
        m_cpu=$(median ${CPU[$target]})
        # shellcheck disable=SC2086
        m_sys=$(median ${SYS[$target]})
        printf '%-11s %10s %9s %12s %12s %14s %12s\n' "$target" "$m_rps" "$m_p99" "$m_cpu" "$m_sys" \
            "$(awk -v a="$m_rps" -v b="$nginx_rps" 'BEGIN {printf "%.0f %%", 100 * a / b}')" \
            "$(awk -v a="$m_cpu" -v b="$nginx_cpu" 'BEGIN {printf "%.0f %%", 100 * a / b}')"
        if [ "$target" = freezegate ]; then
            SUMMARY[$test]=$(awk -v a="$m_rps" -v b="$nginx_rps" -v c="$m_cpu" -v d="$nginx_cpu" \
                'BEGIN {printf "FreezeGate %.0f req/s = %.0f %% of nginx (%.0f); CPU %.1f against %.1f us per request = %.0f %% of nginx", a, 100 * a / b, b, c, d, 100 * c / d}')
        fi
    done
    if [ -n "$BASELINE" ]; then paired_comparison "${CPU[freezegate]}" "${CPU[baseline]}"; echo; fi
    # shellcheck disable=SC2086
    echo "cores busy during the runs (all processes): median $(median $BUSY) %; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done

echo
# The access logs must really have been written: one line per request (warm-ups and rounds).
for file in freezegate-access.log ${BASELINE:+baseline-access.log} nginx-tls/logs/access.log; do
    echo "access log $file: $(wc -l < "$WORK/$file" 2>/dev/null || echo missing) lines, $(du -h "$WORK/$file" 2>/dev/null | cut -f1)"
done
for test in $TESTS; do echo "$test: ${SUMMARY[$test]}"; done
echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | sed 's/^ *//'), $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: nginx $(nginx -v 2>&1 | sed 's/.*\///'), $(openssl version | awk '{print $1, $2}'), $(wrk -v 2>&1 | awk 'NR == 1 {print $1, $2}'), $(h2load --version | awk '{print $2}' | sed 's/\// /'), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}')"
