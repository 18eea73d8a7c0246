#!/usr/bin/env bash
# FreezeGate (release build) against nginx 1.22 as a reverse proxy (2 workers, keep-alive
# upstream), both in front of the same upstream (nginx serving a static 1 KiB file), measured
# with wrk: 1 KiB GET over 64 keep-alive connections, alternating A/B rounds.
# Only 127.0.0.1 is used; the run is bounded (ROUNDS x 2 x DURATION seconds plus warm-up).
#
#   bench/proxy-vs-nginx.sh            # ROUNDS=5 DURATION=10 by default
#   ROUNDS=3 DURATION=5 bench/proxy-vs-nginx.sh
source "$(dirname "$0")/common.sh"

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
UPSTREAM_PORT=18190
NGINX_PORT=18191
GATE_PORT=18192
GATE_ADMIN_PORT=18193

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
start_freezegate $GATE_PORT $GATE_ADMIN_PORT $UPSTREAM_PORT --threads "${FREEZEGATE_THREADS:-2}"

run_wrk() { # run_wrk PORT SECONDS -> "rps p99_ms"
    local out
    out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${2}s" --latency -H "Host: acme.s20.online" \
        "http://127.0.0.1:$1/1k.bin")
    local rps p99
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
    local errors
    errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
    [ -n "$errors" ] && echo "  wrk reported: $errors" >&2
    echo "$rps $p99"
}

echo "warm-up" >&2
run_wrk $GATE_PORT 2 >/dev/null
run_wrk $NGINX_PORT 2 >/dev/null

GATE_RPS=()
GATE_P99=()
NGINX_RPS=()
NGINX_P99=()
printf '%-6s %-11s %12s %10s\n' round target req/s p99_ms
for round in $(seq 1 "$ROUNDS"); do
    if (( round % 2 )); then order="freezegate nginx"; else order="nginx freezegate"; fi
    for target in $order; do
        if [ "$target" = freezegate ]; then port=$GATE_PORT; else port=$NGINX_PORT; fi
        read -r rps p99 < <(run_wrk "$port" "$DURATION")
        printf '%-6s %-11s %12s %10s\n' "$round" "$target" "$rps" "$p99"
        if [ "$target" = freezegate ]; then GATE_RPS+=("$rps"); GATE_P99+=("$p99"); else NGINX_RPS+=("$rps"); NGINX_P99+=("$p99"); fi
    done
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
echo
printf 'median  freezegate  %12s req/s  p99 %s ms\n' "$(median "${GATE_RPS[@]}")" "$(median "${GATE_P99[@]}")"
printf 'median  nginx       %12s req/s  p99 %s ms\n' "$(median "${NGINX_RPS[@]}")" "$(median "${NGINX_P99[@]}")"
echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | sed 's/^ *//'), $(uname -r)"
