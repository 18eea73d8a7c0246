#!/usr/bin/env bash
# Resident memory of FreezeGate (release build) while a 1 GiB upload and a 1 GiB download pass
# through it: growth of VmRSS over the value after a warm-up request. Target: < 32 MiB each.
# Upstream: bench/sink-upstream.py (reads and discards the upload, streams the download).
# Only 127.0.0.1 is used.
source "$(dirname "$0")/common.sh"

SIZE=${SIZE:-1G}
UPSTREAM_PORT=18290
GATE_PORT=18292
GATE_ADMIN_PORT=18293

need curl curl
need python3 python3
build_freezegate

BYTES=$(numfmt --from=iec "$SIZE")
python3 "$(dirname "$0")/sink-upstream.py" "$UPSTREAM_PORT" "$BYTES" &
PIDS+=($!)
wait_for_port $UPSTREAM_PORT
start_freezegate $GATE_PORT $GATE_ADMIN_PORT $UPSTREAM_PORT

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$FREEZEGATE_PID/status"; }

measure() { # measure LABEL CURL-ARGS...
    local label=$1
    shift
    curl -s -o /dev/null -X POST --data-binary small "http://127.0.0.1:$GATE_PORT/upload"
    local before peak=0 now
    before=$(rss_kib)
    "$@" > "$WORK/$label.result" &
    local client=$!
    while kill -0 "$client" 2>/dev/null; do
        now=$(rss_kib)
        (( now > peak )) && peak=$now
        sleep 0.1
    done
    wait "$client"
    now=$(rss_kib)
    (( now > peak )) && peak=$now
    printf '%-9s %s\n' "$label" "$(cat "$WORK/$label.result")"
    printf '%-9s RSS before %6d KiB  peak %6d KiB  growth %6d KiB (%.1f MiB)\n' \
        "$label" "$before" "$peak" $((peak - before)) "$(echo "($peak - $before) / 1024" | bc -l)"
}

need bc bc
truncate -s "$SIZE" "$WORK/upload.bin"
measure upload curl -s -o /dev/null -w 'status %{http_code} sent %{size_upload} bytes in %{time_total} s' \
    --max-time 300 -X POST -T "$WORK/upload.bin" "http://127.0.0.1:$GATE_PORT/upload"
measure download curl -s -o /dev/null -w 'status %{http_code} received %{size_download} bytes in %{time_total} s' \
    --max-time 300 "http://127.0.0.1:$GATE_PORT/big.bin"
echo "size: $SIZE; machine: $(nproc) cores, $(uname -r)"
