#!/usr/bin/env bash
# FreezeGate (release build) as users run it, against nginx 1.22 and HAProxy 2.6 as reverse
# proxies in front of the same upstream, measured with wrk in alternating rounds.
#
# What runs (all on 127.0.0.1; PostgreSQL on a Unix socket only):
#   - PostgreSQL (a throwaway cluster, as user postgres when run as root), migrated with
#     `freezegate migrate`, seeded with TENANTS tenants (default 10,000) of which every tenth is
#     frozen (1,000): the gateway loads a real snapshot and every request is looked up in it;
#   - the upstream: nginx, 2 workers, access_log off, serving a static 1 KiB file for
#     /customer/1/file.bin (a forwarded class of the default profile);
#   - FreezeGate `serve` in its default configuration: only the database, the upstream, the
#     listen and admin addresses and, when the build has `--access-log`, the access log's path;
#   - nginx (2 workers, HTTP/1.1 upstream keep-alive pool) and HAProxy (nbthread 2, mode http,
#     server keep-alive) as peers.
# Two modes: logs-on (FreezeGate's access log to a file, nginx `access_log FILE combined`,
# HAProxy `option httplog` to a Unix datagram syslog socket read by socat into a file) and
# logs-off (no access log anywhere). Each mode runs ROUNDS rounds; within a round every target
# gets one wrk run (`-t2 -c64 --latency`, 1 KiB GET as Host: t00042.s20.online, an active
# tenant), in an order that rotates every round. Per run: req/s, p99 and CPU µs per request of
# the proxy (utime + stime of all its processes and threads from /proc, e.g. nginx's master and
# workers), the kernel's part of it (stime alone: sys_us/req) and the context switches of its
# threads per request (voluntary/involuntary, from /proc/PID/task/*/status). Then a short run against a
# frozen tenant's admin path (FreezeGate's blocked page), and per mode a table of medians with each
# proxy as % of nginx.
#
#   bench/proxy-vs-nginx.sh                                  # MODE=both ROUNDS=5 DURATION=5
#   MODE=logs-off ROUNDS=3 bench/proxy-vs-nginx.sh
#   BROWSER_HEADERS=1 bench/proxy-vs-nginx.sh    # requests with a browser's fields, not Host alone
#   BASELINE=/path/to/older/freezegate bench/proxy-vs-nginx.sh   # also an older build, same rounds,
#                                      # and the two compared round by round (paired_comparison)
#   PERF=/tmp/profile bench/proxy-vs-nginx.sh    # also a perf profile of FreezeGate per mode
#   PERF=/tmp/profile PERF_CALL_GRAPH=fp bench/proxy-vs-nginx.sh   # with call graphs, for
#                                                # bench/perf-modules.py (CPU by Swift module)
#   MALLOCS=1 bench/proxy-vs-nginx.sh            # also heap allocations per forwarded request
#   GATEWAY_BINARY=/path/to/freezegate PERF=… bench/proxy-vs-nginx.sh   # that binary, not a build
#
# Environment: MODE (logs-on | logs-off | both), ROUNDS (5), DURATION (seconds per run, 5),
# CONNECTIONS (64), WRK_THREADS (2), TENANTS (10000), FROZEN_ROUND (1; 0 skips the blocked-page
# run), BASELINE, GATEWAY_BINARY (a binary to measure instead of building this tree), PERF, MALLOCS (0; 1 counts libc's malloc and posix_memalign calls of each
# FreezeGate build during one more run per mode, with perf uprobes, as root), PG_BIN
# (/usr/lib/postgresql/15/bin). Runs as root on Debian 12 (installs nginx,
# haproxy, wrk, socat, curl when missing) or as a user who has them.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/gateway-bench.sh"

START_SECONDS=$(date +%s)
MODE=${MODE:-both}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
TENANTS=${TENANTS:-10000}
FROZEN_ROUND=${FROZEN_ROUND:-1}
BASELINE=${BASELINE:-}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
UPSTREAM_PORT=18190
NGINX_PORT=18191
GATE_PORT=18192
GATE_ADMIN_PORT=18193
BASELINE_PORT=18194
BASELINE_ADMIN_PORT=18195
HAPROXY_PORT=18196
ACTIVE_HOST=t00042.s20.online       # active: forwarded
FROZEN_HOST=t00040.s20.online       # every tenth tenant is frozen
FORWARDED_PATH=/customer/1/file.bin # class "client": forwarded
BLOCKED_PATH=/company/1/x           # class "admin": blocked for a frozen tenant

case $MODE in
    both) MODES=(logs-on logs-off) ;;
    logs-on | logs-off) MODES=("$MODE") ;;
    *) echo "MODE must be logs-on, logs-off or both, not '$MODE'" >&2; exit 2 ;;
esac
[ -n "$BASELINE" ] && [ ! -x "$BASELINE" ] && { echo "BASELINE=$BASELINE is not an executable" >&2; exit 2; }
[ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL server binaries in $PG_BIN (set PG_BIN)" >&2; exit 2; }

# "Default configuration" means nothing from the environment either.
# shellcheck disable=SC2046 # one name per variable
unset DATABASE_URL $(compgen -e | grep '^FREEZEGATE_' || true)

# Processes of the current mode (gateways, nginx peer, HAProxy, its log sink): stopped and
# reaped at the end of each mode, so the next mode's configuration can take the same ports.
MODE_PIDS=()

stop_mode() {
    local pid
    for pid in "${MODE_PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    for pid in "${MODE_PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
    MODE_PIDS=()
}

MALLOC_PROBES=""
finish() {
    local status=$?
    trap - EXIT
    set +e
    stop_mode
    [ -n "$MALLOC_PROBES" ] && perf probe -q -d probe_libc:malloc -d probe_libc:posix_memalign >/dev/null 2>&1
    stop_tenant_db
    cleanup
    echo "total runtime: $(($(date +%s) - START_SECONDS)) s" >&2
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${MALLOCS:-0}" = 1 ]; then
    # Uprobes at the entry of libc's allocators: every heap allocation of the process, counted by
    # the kernel (the Swift runtime allocates through malloc, and posix_memalign for over-aligned
    # objects).
    LIBC=$(ldconfig -p | awk '/libc\.so\.6 .*x86-64/ {print $NF; exit}')
    perf probe -q -d probe_libc:malloc -d probe_libc:posix_memalign >/dev/null 2>&1 || true
    perf probe -q -x "$LIBC" --add malloc --add posix_memalign >/dev/null 2>&1 \
        || { echo "MALLOCS=1 needs perf with uprobes (linux-perf, as root)" >&2; exit 1; }
    MALLOC_PROBES=1
fi

need nginx nginx
need haproxy haproxy
need wrk wrk
need socat socat
need curl curl
build_freezegate

# Bounded: per mode, 2 s of warm-up and ROUNDS x DURATION per target, one blocked-page run per
# gateway; plus building, seeding and starting (about half a minute once built).
TARGET_COUNT=3
[ -n "$BASELINE" ] && TARGET_COUNT=4
LOAD_SECONDS=$(( ${#MODES[@]} * (TARGET_COUNT * (2 + ROUNDS * DURATION) + (TARGET_COUNT - 2) * DURATION * FROZEN_ROUND) ))
echo "modes: ${MODES[*]}; $ROUNDS rounds x $DURATION s per target: about $LOAD_SECONDS s of load" >&2

# ---- PostgreSQL with the tenants -----------------------------------------------------------------
start_tenant_db

# ---- the upstream --------------------------------------------------------------------------------
start_upstream

# ---- the proxies of one mode ---------------------------------------------------------------------
start_gateway() { # start_gateway NAME BINARY PORT ADMIN-PORT MODE -> GATEWAY_PID, GATEWAY_LOG_NOTE
    local name=$1 binary=$2 port=$3 admin=$4 mode=$5 flags=()
    local out="$WORK/$name.out"
    # The help is read whole first: `grep -q` would stop reading early and, under pipefail, the
    # SIGPIPE of the writer would make the test fail at random.
    local help
    help=$("$binary" serve --help 2>&1 || true)
    if grep -q -- '--access-log' <<<"$help"; then
        if [ "$mode" = logs-on ]; then
            flags=(--access-log "$WORK/$name-access.log")
            GATEWAY_LOG_NOTE="--access-log $name-access.log"
        else
            flags=(--access-log off)
            GATEWAY_LOG_NOTE="--access-log off"
        fi
    else
        # This build has no --access-log: its access log is an info line per request on stdout.
        if [ "$mode" = logs-on ]; then
            out="$WORK/$name-access.log"
            GATEWAY_LOG_NOTE="no --access-log in this build: access log = info lines on stdout, redirected to a file"
        else
            flags=(--log-level warning)
            GATEWAY_LOG_NOTE="no --access-log in this build: --log-level warning drops the access log"
        fi
    fi
    "$binary" serve --database-url "$DATABASE_URL_BENCH" --upstream "http://127.0.0.1:$UPSTREAM_PORT" \
        --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin" "${flags[@]}" \
        > "$out" 2> "$WORK/$name.err" &
    GATEWAY_PID=$!
    MODE_PIDS+=("$GATEWAY_PID")
    wait_gateway_ready "$name" "$GATEWAY_PID" "$admin"
    echo "  $name: ready, snapshot of ${GATEWAY_LOADED:-?} tenants (${GATEWAY_FROZEN:-?} frozen); $GATEWAY_LOG_NOTE" >&2
}

start_peers() { # start_peers MODE: the nginx peer, HAProxy and (logs-on) its syslog sink
    local mode=$1 nginx_log="access_log off;" haproxy_global="" haproxy_defaults=""
    if [ "$mode" = logs-on ]; then
        nginx_log="access_log $WORK/nginx-$mode/logs/access.log combined;"
        # HAProxy logs only through syslog; the closest to a file is a Unix datagram socket read
        # by a minimal sink (socat) that appends every message to a file. The sink's CPU is
        # reported separately: in production it is the syslog daemon's, not HAProxy's.
        socat -u "UNIX-RECV:$WORK/haproxy-log.sock" "CREATE:$WORK/haproxy-access.log" &
        SINK_PID=$!
        MODE_PIDS+=("$SINK_PID")
        local _
        for _ in $(seq 1 50); do [ -S "$WORK/haproxy-log.sock" ] && break; sleep 0.1; done
        haproxy_global="log $WORK/haproxy-log.sock len 4096 local0 info"
        haproxy_defaults="log global
    option httplog"
    else
        SINK_PID=""
    fi
    start_nginx "nginx-$mode" "
user root;
worker_processes 2;
events { worker_connections 4096; }
http {
    $nginx_log
    keepalive_requests 1000000;
    upstream crm {
        server 127.0.0.1:$UPSTREAM_PORT;
        keepalive 128;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
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
    # start_nginx registers the master for the final cleanup; this mode stops it itself.
    NGINX_MASTER=${PIDS[-1]}
    unset 'PIDS[-1]'
    MODE_PIDS+=("$NGINX_MASTER")
    cat > "$WORK/haproxy-$mode.cfg" <<CFG
global
    nbthread 2
    maxconn 4096
    $haproxy_global
defaults
    mode http
    $haproxy_defaults
    option http-keep-alive
    option forwardfor
    timeout connect 5s
    timeout client 75s
    timeout server 60s
    timeout http-keep-alive 75s
frontend gateway
    bind 127.0.0.1:$HAPROXY_PORT
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    default_backend crm
backend crm
    server upstream 127.0.0.1:$UPSTREAM_PORT
CFG
    # -db: foreground, one process (its threads are in its /proc stat).
    haproxy -db -f "$WORK/haproxy-$mode.cfg" > "$WORK/haproxy-$mode.out" 2>&1 &
    HAPROXY_PID=$!
    MODE_PIDS+=("$HAPROXY_PID")
    wait_for_port $NGINX_PORT
    wait_for_port $HAPROXY_PORT
}

# ---- measuring -----------------------------------------------------------------------------------
pid_of() {
    case $1 in
        freezegate) echo "$GATE_PID" ;;
        baseline) echo "$BASELINE_PID" ;;
        nginx) echo "$NGINX_MASTER" ;;
        haproxy) echo "$HAPROXY_PID" ;;
    esac
}
port_of() {
    case $1 in
        freezegate) echo $GATE_PORT ;;
        baseline) echo $BASELINE_PORT ;;
        nginx) echo $NGINX_PORT ;;
        haproxy) echo $HAPROXY_PORT ;;
    esac
}

run_wrk() { # run_wrk PORT SECONDS HOST PATH -> W_RPS, W_P99 (ms), W_REQUESTS, W_NON2XX
    local out fields=()
    [ "${BROWSER_HEADERS:-0}" = 1 ] && fields=("${BROWSER_FIELDS[@]}")
    out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${2}s" --latency -H "Host: $3" "${fields[@]}" "http://127.0.0.1:$1$4")
    W_RPS=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    W_P99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
    W_REQUESTS=$(awk '/requests in/ {print $1}' <<<"$out")
    W_NON2XX=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    W_NON2XX=${W_NON2XX:-0}
    if grep -q 'Socket errors' <<<"$out"; then echo "  wrk: $(grep 'Socket errors' <<<"$out")" >&2; fi
    [ "${W_REQUESTS:-0}" -gt 0 ] || { echo "wrk got no answers from port $1:" >&2; echo "$out" >&2; exit 1; }
}

measure() { # measure TARGET HOST PATH -> W_* of run_wrk, M_CPU, M_SYS (its kernel part) and M_SINK (CPU µs per request), M_SWITCHES (voluntary/involuntary context switches per request)
    local pid sink_before=0 sink_after=0 before after kernel_before kernel_after switches_before switches_after
    pid=$(pid_of "$1")
    kill -0 "$pid" 2>/dev/null || { echo "$1 (pid $pid) is not running" >&2; exit 1; }
    before=$(cpu_ticks "$pid")
    kernel_before=$(cpu_ticks "$pid" kernel)
    switches_before=$(context_switches "$pid")
    if [ "$1" = haproxy ] && [ -n "$SINK_PID" ]; then sink_before=$(cpu_ticks "$SINK_PID"); fi
    run_wrk "$(port_of "$1")" "$DURATION" "$2" "$3"
    after=$(cpu_ticks "$pid")
    kernel_after=$(cpu_ticks "$pid" kernel)
    switches_after=$(context_switches "$pid")
    if [ "$1" = haproxy ] && [ -n "$SINK_PID" ]; then sink_after=$(cpu_ticks "$SINK_PID"); fi
    M_SWITCHES=$(awk -v b="$switches_before" -v a="$switches_after" -v n="$W_REQUESTS" \
        'BEGIN {split(b, x, " "); split(a, y, " "); printf "%.2f/%.2f", (y[1] - x[1]) / n, (y[2] - x[2]) / n}')
    M_CPU=$(awk -v t="$((after - before))" -v hz="$TICK" -v n="$W_REQUESTS" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    M_SYS=$(awk -v t="$((kernel_after - kernel_before))" -v hz="$TICK" -v n="$W_REQUESTS" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    M_SINK=$(awk -v t="$((sink_after - sink_before))" -v hz="$TICK" -v n="$W_REQUESTS" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
}

check_target() { # check_target TARGET: one request must come back 200 with the 1 KiB file
    local got
    got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "Host: $ACTIVE_HOST" \
        "http://127.0.0.1:$(port_of "$1")$FORWARDED_PATH")
    [ "$got" = "200 1024" ] || { echo "$1: $ACTIVE_HOST$FORWARDED_PATH answered '$got', not '200 1024'" >&2; exit 1; }
}

declare -A SUMMARY
run_mode() { # run_mode MODE
    local mode=$1 target round index count
    echo >&2
    echo "== $mode: starting the proxies" >&2
    start_gateway freezegate "$FREEZEGATE" $GATE_PORT $GATE_ADMIN_PORT "$mode"
    GATE_PID=$GATEWAY_PID
    local gate_note=$GATEWAY_LOG_NOTE baseline_note=""
    TARGETS=(freezegate nginx haproxy)
    if [ -n "$BASELINE" ]; then
        start_gateway baseline "$BASELINE" $BASELINE_PORT $BASELINE_ADMIN_PORT "$mode"
        BASELINE_PID=$GATEWAY_PID
        baseline_note=$GATEWAY_LOG_NOTE
        TARGETS+=(baseline)
    fi
    start_peers "$mode"
    for target in "${TARGETS[@]}"; do check_target "$target"; done
    echo "warm-up" >&2
    for target in "${TARGETS[@]}"; do run_wrk "$(port_of "$target")" 2 "$ACTIVE_HOST" "$FORWARDED_PATH"; done

    local -A RPS P99 CPU SYS
    local SINK=""
    echo
    echo "## $mode — Host: $ACTIVE_HOST, GET $FORWARDED_PATH (1 KiB), wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s$([ "${BROWSER_HEADERS:-0}" = 1 ] && echo ", a browser's request fields")"
    echo "freezegate: $gate_note"
    [ -n "$BASELINE" ] && echo "baseline ($BASELINE): $baseline_note"
    if [ "$mode" = logs-on ]; then
        echo "nginx: access_log FILE combined; haproxy: option httplog to a Unix syslog socket (socat sink to a file)"
    else
        echo "nginx: access_log off; haproxy: no log"
    fi
    printf '%-6s %-11s %12s %10s %12s %12s %16s\n' round target req/s p99_ms cpu_us/req sys_us/req switches/req
    for round in $(seq 1 "$ROUNDS"); do
        # Rotate the order every round so that drift in the machine's load hits every target.
        count=${#TARGETS[@]}
        for index in $(seq 0 $((count - 1))); do
            target=${TARGETS[$(((index + round - 1) % count))]}
            measure "$target" "$ACTIVE_HOST" "$FORWARDED_PATH"
            [ "$W_NON2XX" != 0 ] && echo "  $target: $W_NON2XX non-2xx responses" >&2
            printf '%-6s %-11s %12s %10s %12s %12s %16s\n' "$round" "$target" "$W_RPS" "$W_P99" "$M_CPU" "$M_SYS" "$M_SWITCHES"
            RPS[$target]+="$W_RPS "
            SYS[$target]+="$M_SYS "
            P99[$target]+="$W_P99 "
            CPU[$target]+="$M_CPU "
            if [ "$target" = haproxy ]; then SINK+="$M_SINK "; fi
        done
    done

    if [ -n "${PERF:-}" ]; then
        # A flat profile of FreezeGate under the same load (one more run): where its time goes,
        # by binary (kernel, libswiftCore, FreezeGate's own code…) and by symbol.
        mkdir -p "$PERF"
        perf record -q -F 1999 ${PERF_CALL_GRAPH:+--call-graph $PERF_CALL_GRAPH} -p "$GATE_PID" \
            -o "$PERF/freezegate-$mode.data" -- sleep "$DURATION" 2>/dev/null &
        local perf_pid=$!
        run_wrk $GATE_PORT "$DURATION" "$ACTIVE_HOST" "$FORWARDED_PATH"
        wait "$perf_pid" || true
        perf report -q -i "$PERF/freezegate-$mode.data" --no-children --sort dso --percent-limit 0.5 \
            > "$PERF/freezegate-$mode.dso.txt" 2>/dev/null || true
        perf report -q -i "$PERF/freezegate-$mode.data" --no-children --sort dso,sym --percent-limit 0.3 \
            > "$PERF/freezegate-$mode.sym.txt" 2>/dev/null || true
        echo "profile: $PERF/freezegate-$mode.{dso,sym}.txt ($W_RPS req/s while recording)"
    fi

    if [ -n "$MALLOC_PROBES" ]; then
        # Heap allocations per forwarded request: counted, not timed, over one more run of each
        # build (all its threads, so the background work of those seconds is included; the
        # probes slow the run, which adds that share per request).
        local stat_pid allocations
        for target in freezegate ${BASELINE:+baseline}; do
            perf stat -x, -e probe_libc:malloc -e probe_libc:posix_memalign -p "$(pid_of "$target")" \
                -o "$WORK/mallocs-$target-$mode.csv" -- sleep "$DURATION" 2>/dev/null &
            stat_pid=$!
            run_wrk "$(port_of "$target")" "$DURATION" "$ACTIVE_HOST" "$FORWARDED_PATH"
            wait "$stat_pid" || true
            allocations=$(awk -F, '/probe_libc/ {sum += $1} END {print sum + 0}' "$WORK/mallocs-$target-$mode.csv")
            printf '%-11s %s heap allocations per forwarded request (%s in %s requests)\n' "$target" \
                "$(awk -v a="$allocations" -v n="$W_REQUESTS" 'BEGIN {printf "%.1f", a / n}')" \
                "$allocations" "$W_REQUESTS"
        done
    fi

    echo
    printf '%-11s %12s %10s %12s %12s %14s %14s\n' "median" req/s p99_ms cpu_us/req sys_us/req "req/s % nginx" "cpu % nginx"
    local nginx_rps nginx_cpu m_rps m_p99 m_cpu m_sys
    # shellcheck disable=SC2086 # word splitting of the collected figures is intended
    nginx_rps=$(median ${RPS[nginx]})
    # shellcheck disable=SC2086
    nginx_cpu=$(median ${CPU[nginx]})
    for target in "${TARGETS[@]}"; do
        # shellcheck disable=SC2086
        m_rps=$(median ${RPS[$target]})
        # shellcheck disable=SC2086
        m_p99=$(median ${P99[$target]})
        # shellcheck disable=SC2086
        m_cpu=$(median ${CPU[$target]})
        # shellcheck disable=SC2086
        m_sys=$(median ${SYS[$target]})
        printf '%-11s %12s %10s %12s %12s %14s %14s\n' "$target" "$m_rps" "$m_p99" "$m_cpu" "$m_sys" \
            "$(awk -v a="$m_rps" -v b="$nginx_rps" 'BEGIN {printf "%.0f %%", 100 * a / b}')" \
            "$(awk -v a="$m_cpu" -v b="$nginx_cpu" 'BEGIN {printf "%.0f %%", 100 * a / b}')"
        if [ "$target" = freezegate ]; then
            SUMMARY[$mode]=$(awk -v a="$m_rps" -v b="$nginx_rps" -v c="$m_cpu" -v d="$nginx_cpu" \
                'BEGIN {printf "FreezeGate %.0f req/s = %.0f %% of nginx (%.0f); CPU %.1f against %.1f us per request = %.0f %% of nginx", a, 100 * a / b, b, c, d, 100 * c / d}')
        fi
    done
    if [ -n "$BASELINE" ]; then paired_comparison "${CPU[freezegate]}" "${CPU[baseline]}"; echo; fi
    if [ "$mode" = logs-on ]; then
        # shellcheck disable=SC2086
        echo "haproxy's syslog sink (socat, not in haproxy's figures): $(median $SINK) us CPU per request"
        # The logs must really have been written: one line per request.
        local file lines
        for file in freezegate-access.log ${BASELINE:+baseline-access.log} "nginx-$mode/logs/access.log" haproxy-access.log; do
            lines=$(wc -l < "$WORK/$file" 2>/dev/null || echo missing)
            echo "access log $file (warm-up and rounds): $lines lines, $(du -h "$WORK/$file" 2>/dev/null | cut -f1)"
        done
    fi

    if [ "$FROZEN_ROUND" = 1 ]; then
        # The blocked page of a frozen tenant: FreezeGate answers itself, no upstream request.
        local status
        status=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H 'Accept:' -H "Host: $FROZEN_HOST" \
            "http://127.0.0.1:$GATE_PORT$BLOCKED_PATH")
        echo
        echo "blocked page — Host: $FROZEN_HOST, GET $BLOCKED_PATH (answer: status and bytes $status)"
        for target in freezegate ${BASELINE:+baseline}; do
            measure "$target" "$FROZEN_HOST" "$BLOCKED_PATH"
            printf '%-11s %12s req/s  p99 %s ms  cpu %s us/request  (%s non-2xx)\n' "$target" "$W_RPS" "$W_P99" "$M_CPU" "$W_NON2XX"
        done
    fi
    stop_mode
}

for mode in "${MODES[@]}"; do run_mode "$mode"; done
echo
for mode in "${MODES[@]}"; do echo "$mode: ${SUMMARY[$mode]}"; done
echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | sed 's/^ *//'), $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: nginx $(nginx -v 2>&1 | sed 's/.*\///'), $(haproxy -v | awk 'NR == 1 {print "haproxy " $3}'), $(wrk -v 2>&1 | awk 'NR == 1 {print $1, $2}'), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}')"
