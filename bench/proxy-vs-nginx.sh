#!/usr/bin/env bash
# FreezeGate (release build) against nginx 1.22 as a reverse proxy (2 workers, keep-alive
# upstream), both in front of the same upstream (nginx serving a static 1 KiB file), measured
# with wrk: 1 KiB GET over 64 keep-alive connections, alternating A/B rounds.
# Only 127.0.0.1 is used; the run is bounded (ROUNDS x 2 x DURATION seconds plus warm-up).
#
#   bench/proxy-vs-nginx.sh            # ROUNDS=5 DURATION=10 by default
#   ROUNDS=3 DURATION=5 bench/proxy-vs-nginx.sh
#   BASELINE=/path/to/older/freezegate bench/proxy-vs-nginx.sh   # also measure an older build
source "$(dirname "$0")/common.sh"

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
UPSTREAM_PORT=18190
NGINX_PORT=18191
GATE_PORT=18192
GATE_ADMIN_PORT=18193
BASELINE_PORT=18194
BASELINE_ADMIN_PORT=18195
BASELINE=${BASELINE:-}

need nginx nginx
need wrk wrk
build_freezegate

mkdir -p "$WORK/www"
head -c 1024 /dev/urandom > "$WORK/www/1k.bin"
chmod -R a+rX "$WORK/www"

start_nginx upstream "
user root;
worker_processes 1;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$UPSTREAM_PORT;
        root $WORK/www;
    }
}"
start_nginx proxy "
user root;
worker_processes 2;
events { worker_connections 4096; }
http {
    access_log off;
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
wait_for_port $UPSTREAM_PORT
wait_for_port $NGINX_PORT
NGINX_PROXY_MASTER=${PIDS[1]}
start_freezegate $GATE_PORT $GATE_ADMIN_PORT $UPSTREAM_PORT --threads "${FREEZEGATE_THREADS:-2}"
GATE_PID=$FREEZEGATE_PID
TARGETS=(freezegate nginx)
if [ -n "$BASELINE" ]; then
    CURRENT=$FREEZEGATE
    FREEZEGATE=$BASELINE
    start_freezegate $BASELINE_PORT $BASELINE_ADMIN_PORT $UPSTREAM_PORT --threads "${FREEZEGATE_THREADS:-2}"
    BASELINE_PID=$FREEZEGATE_PID
    FREEZEGATE=$CURRENT
    TARGETS=(freezegate nginx baseline)
fi

# CPU time (user + system, clock ticks) of a target's proxy processes: the figure that machine
# load disturbs least, unlike requests per second.
pids_of() {
    case $1 in
        freezegate) echo "$GATE_PID" ;;
        nginx) pgrep -P "$NGINX_PROXY_MASTER" | tr '\n' ' ' ;;
        baseline) echo "$BASELINE_PID" ;;
    esac
}
cpu_ticks() { # cpu_ticks PID... -> utime + stime of every thread
    local pid total=0
    for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "$total"
}

run_wrk() { # run_wrk PORT SECONDS -> "rps p99_ms requests"
    local out
    out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${2}s" --latency -H "Host: acme.s20.online" \
        "http://127.0.0.1:$1/1k.bin")
    local rps p99
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
    local errors
    errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
    [ -n "$errors" ] && echo "  wrk reported: $errors" >&2
    echo "$rps $p99 $(awk '/requests in/ {print $1}' <<<"$out")"
}

port_of() {
    case $1 in
        freezegate) echo $GATE_PORT ;;
        nginx) echo $NGINX_PORT ;;
        baseline) echo $BASELINE_PORT ;;
    esac
}

echo "warm-up" >&2
for target in "${TARGETS[@]}"; do run_wrk "$(port_of "$target")" 2 >/dev/null; done

declare -A RPS P99 CPU
TICK=$(getconf CLK_TCK)
printf '%-6s %-11s %12s %10s %12s\n' round target req/s p99_ms cpu_us/req
for round in $(seq 1 "$ROUNDS"); do
    # Rotate the order every round so that drift in the machine's load hits every target.
    count=${#TARGETS[@]}
    for index in $(seq 0 $((count - 1))); do
        target=${TARGETS[$(((index + round - 1) % count))]}
        # shellcheck disable=SC2046 # one argument per process id
        before=$(cpu_ticks $(pids_of "$target"))
        read -r rps p99 requests < <(run_wrk "$(port_of "$target")" "$DURATION")
        # shellcheck disable=SC2046
        after=$(cpu_ticks $(pids_of "$target"))
        cpu=$(awk -v t="$((after - before))" -v hz="$TICK" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
        printf '%-6s %-11s %12s %10s %12s\n' "$round" "$target" "$rps" "$p99" "$cpu"
        RPS[$target]+="$rps "
        P99[$target]+="$p99 "
        CPU[$target]+="$cpu "
    done
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
echo
for target in "${TARGETS[@]}"; do
    # shellcheck disable=SC2086 # word splitting of the collected figures is intended
    printf 'median  %-11s %12s req/s  p99 %s ms  cpu %s us/request\n' "$target" "$(median ${RPS[$target]})" \
        "$(median ${P99[$target]})" "$(median ${CPU[$target]})"
done
echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | sed 's/^ *//'), $(uname -r)"
