#!/usr/bin/env bash
# Resident memory of FreezeGate (release build) while a 1 GiB upload and a 1 GiB download pass
# through it: growth of VmRSS over the value after a warm-up request. Target: < 32 MiB each.
# Upstream: nginx (discarding the upload, serving a sparse 1 GiB file). Only 127.0.0.1.
source "$(dirname "$0")/common.sh"

SIZE=${SIZE:-1G}
UPSTREAM_PORT=18290
GATE_PORT=18292
GATE_ADMIN_PORT=18293

need nginx nginx
need curl curl
build_freezegate

mkdir -p "$WORK/www"
truncate -s "$SIZE" "$WORK/www/big.bin"
echo small > "$WORK/www/small.txt"
chmod -R a+rX "$WORK/www"

start_nginx upstream "
user root;
worker_processes 1;
events { worker_connections 1024; }
http {
    access_log off;
    client_max_body_size 0;
    server {
        listen 127.0.0.1:$UPSTREAM_PORT;
        root $WORK/www;
        location = /upload { return 200 \"stored\n\"; }
    }
}"
wait_for_port $UPSTREAM_PORT
start_freezegate $GATE_PORT $GATE_ADMIN_PORT $UPSTREAM_PORT

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$FREEZEGATE_PID/status"; }

measure() { # measure LABEL CURL-ARGS...
    local label=$1
    shift
    curl -s -o /dev/null "http://127.0.0.1:$GATE_PORT/small.txt"
    local before peak=0 now
    before=$(rss_kib)
    "$@" &
    local client=$!
    while kill -0 "$client" 2>/dev/null; do
        now=$(rss_kib)
        (( now > peak )) && peak=$now
        sleep 0.1
    done
    wait "$client"
    now=$(rss_kib)
    (( now > peak )) && peak=$now
    printf '%-9s RSS before %6d KiB  peak %6d KiB  growth %6d KiB (%.1f MiB)\n' \
        "$label" "$before" "$peak" $((peak - before)) "$(echo "($peak - $before) / 1024" | bc -l)"
}

need bc bc
measure upload curl -s -o /dev/null --max-time 300 -X POST -T "$WORK/www/big.bin" "http://127.0.0.1:$GATE_PORT/upload"
measure download curl -s -o /dev/null --max-time 300 "http://127.0.0.1:$GATE_PORT/big.bin"
echo "size: $SIZE; machine: $(nproc) cores, $(uname -r)"
