#!/usr/bin/env bash
# What SwiftNIO's own plumbing costs per request over TLS, with no proxy around it: a fixed
# 1 KiB answer served by bench/h2-plumbing (a small SwiftNIO server, built here in release mode)
# three ways, and by nginx from a static file, in alternating rounds:
#   nio-h1         HTTP/1.1, NIOHTTP1's server pipeline (nio-h1-plain: the same without TLS);
#   nio-h2-mux     HTTP/2 with swift-nio-http2's multiplexer, a child channel per stream (how the
#                  gateway runs HTTP/2);
#   nio-h2-frames  HTTP/2 frame by frame on the connection channel (no child channel);
#   nginx          2 workers, `listen ... ssl http2`, access log off, the same certificate;
#   nio-tcp-proxy  no HTTP: each client connection joined to one of its own to nginx's plain
#                  listener, bytes passed as they come (the least a SwiftNIO proxy does: a read and
#                  a write on each side);
#   nio-head-proxy the byte-native exchange proposed in docs/BENCHMARKS.md, as a ceiling: per
#                  request the head found and read as byte ranges, the tenant looked up by the
#                  host's first label among 10,000, the target's first segment classified, the
#                  client's fields passed on with X-Forwarded-* and a request ID added, the
#                  answer's head given the request ID and its body counted (HeadProxy.swift says
#                  what it leaves out); one upstream connection per client connection;
#   nginx-proxy    a second nginx (2 workers, access log off) proxying to the same listener over a
#                  keep-alive upstream pool.
# Every server has 2 threads or workers. Tests: h1 (wrk -t2 -c64) against nio-h1 and nginx;
# h1-plain, the same without TLS, against nio-h1-plain and nginx's plain listener; proxy (wrk,
# plain HTTP, Host t00042.s20.online; with BROWSER_HEADERS=1 a browser's fields, as the gateway's
# benchmarks send them) against nio-tcp-proxy, nio-head-proxy and nginx-proxy, only the proxy's
# CPU counted;
# h2-m1 and h2-m10 (h2load -t2 -c64 -m1 / -m10) against both HTTP/2 modes and nginx. Per run:
# requests per second and the server's CPU µs per request (utime + stime from /proc).
#
#   bench/h2-plumbing.sh                   # ROUNDS=5 DURATION=5
#   TESTS="h2-m1" ROUNDS=3 bench/h2-plumbing.sh
#   BROWSER_HEADERS=1 TESTS=proxy ROUNDS=7 bench/h2-plumbing.sh
#
# Needs (Debian 12): nginx, wrk, nghttp2-client (h2load), openssl; installs them when missing.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/gateway-bench.sh" # BROWSER_FIELDS

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
TESTS=${TESTS:-"h1-plain h1 proxy h2-m1 h2-m10"}
TICK=$(getconf CLK_TCK)

need nginx nginx
need wrk wrk
need h2load nghttp2-client
need openssl openssl

echo "building bench/h2-plumbing (release)" >&2
(cd "$REPO/bench/h2-plumbing" && swift build -c release >/dev/null)
SERVER="$REPO/bench/h2-plumbing/.build/release/H2Plumbing"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench.test" \
    -addext "subjectAltName=DNS:bench.test" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
printf 'x%.0s' $(seq 1 1024) > "$WORK/file.bin"

declare -A PORT PID
next_port=28400
start_nio() { # start_nio NAME MODE
    PORT[$1]=$next_port; next_port=$((next_port + 1))
    "$SERVER" "$2" "${PORT[$1]}" "$WORK/cert.pem" "$WORK/key.pem" 2 > "$WORK/$1.log" 2>&1 &
    PIDS+=($!); PID[$1]=$!
    wait_for_port "${PORT[$1]}"
}
start_nio nio-h1 h1
start_nio nio-h1-plain h1-plain
start_nio nio-h2-mux h2-mux
start_nio nio-h2-frames h2-frames
PORT[nginx]=$next_port
PORT[nginx-plain]=$((next_port + 1))
start_nginx nginx "worker_processes 2;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:${PORT[nginx]} ssl http2;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        location = /file.bin { root $WORK; default_type application/octet-stream; }
    }
    server {
        listen 127.0.0.1:${PORT[nginx-plain]};
        location = /file.bin { root $WORK; default_type application/octet-stream; }
    }
}"
PID[nginx]=${PIDS[-1]}
PID[nginx-plain]=${PID[nginx]}
wait_for_port "${PORT[nginx]}"
wait_for_port "${PORT[nginx-plain]}"
PORT[nio-tcp-proxy]=$((next_port + 2))
"$SERVER" tcp-proxy "${PORT[nio-tcp-proxy]}" "$WORK/cert.pem" "$WORK/key.pem" 2 "${PORT[nginx-plain]}" \
    > "$WORK/nio-tcp-proxy.log" 2>&1 &
PIDS+=($!); PID[nio-tcp-proxy]=$!
wait_for_port "${PORT[nio-tcp-proxy]}"
PORT[nio-head-proxy]=$((next_port + 4))
"$SERVER" head-proxy "${PORT[nio-head-proxy]}" "$WORK/cert.pem" "$WORK/key.pem" 2 "${PORT[nginx-plain]}" \
    > "$WORK/nio-head-proxy.log" 2>&1 &
PIDS+=($!); PID[nio-head-proxy]=$!
wait_for_port "${PORT[nio-head-proxy]}"
PORT[nginx-proxy]=$((next_port + 3))
start_nginx nginx-proxy "worker_processes 2;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    upstream static { server 127.0.0.1:${PORT[nginx-plain]}; keepalive 64; keepalive_requests 1000000; }
    server {
        listen 127.0.0.1:${PORT[nginx-proxy]};
        location / {
            proxy_pass http://static;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
        }
    }
}"
PID[nginx-proxy]=${PIDS[-1]}
wait_for_port "${PORT[nginx-proxy]}"

tree_cpu() { # tree_cpu PID -> "utime+stime stime" ticks of PID and its children
    local total=0 kernel=0 pid fields
    for pid in "$1" $(pgrep -P "$1" || true); do
        fields=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13, $13} END {if (!NR) print 0, 0}')
        total=$((total + ${fields% *})); kernel=$((kernel + ${fields#* }))
    done
    echo "$total $kernel"
}

run() { # run TEST TARGET -> "req/s cpu_us/req sys_us/req"
    local port=${PORT[$2]} before after out count
    before=$(tree_cpu "${PID[$2]}")
    case $1 in
        h1 | h1-plain)
            local scheme=https
            [ "$1" = h1 ] || scheme=http
            out=$(wrk -t2 -c64 -d"${DURATION}s" "$scheme://127.0.0.1:$port/file.bin")
            count=$(awk '/requests in/ {print $1}' <<<"$out")
            ;;
        proxy)
            local fields=()
            [ "${BROWSER_HEADERS:-0}" = 1 ] && fields=("${BROWSER_FIELDS[@]}")
            out=$(wrk -t2 -c64 -d"${DURATION}s" -H "Host: t00042.s20.online" "${fields[@]}" "http://127.0.0.1:$port/file.bin")
            count=$(awk '/requests in/ {print $1}' <<<"$out")
            grep -q 'Non-2xx' <<<"$out" && { echo "$2: answers other than 2xx: $out" >&2; exit 1; }
            ;;
        h2-m*)
            out=$(h2load -t2 -c64 -m"${1#h2-m}" -D"$DURATION" "https://127.0.0.1:$port/file.bin" 2>&1)
            grep -q '^Application protocol: h2' <<<"$out" || { echo "$2: not h2: $out" >&2; exit 1; }
            count=$(awk '/^requests:/ {print $8}' <<<"$out")
            ;;
    esac
    after=$(tree_cpu "${PID[$2]}")
    [ "${count:-0}" -gt 0 ] || { echo "$1 against $2: no answers: $out" >&2; exit 1; }
    awk -v n="$count" -v d="$DURATION" -v b="$before" -v a="$after" -v hz="$TICK" \
        'BEGIN {split(b, x, " "); split(a, y, " "); printf "%.0f %.1f %.1f", n / d, (y[1] - x[1]) / hz * 1e6 / n, (y[2] - x[2]) / hz * 1e6 / n}'
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

declare -A RPS CPU SYS
for test in $TESTS; do
    case $test in
        h1) targets=(nio-h1 nginx) ;;
        h1-plain) targets=(nio-h1-plain nginx-plain) ;;
        proxy) targets=(nio-tcp-proxy nio-head-proxy nginx-proxy) ;;
        *) targets=(nio-h2-mux nio-h2-frames nginx) ;;
    esac
    echo "== $test: warm-up, then $ROUNDS rounds of ${DURATION} s per server, order rotating"
    for target in "${targets[@]}"; do DURATION=2 run "$test" "$target" >/dev/null; done
    for round in $(seq 1 "$ROUNDS"); do
        n=${#targets[@]}
        for i in $(seq 0 $((n - 1))); do
            target=${targets[$(((i + round) % n))]}
            read -r rps cpu sys <<<"$(run "$test" "$target")"
            RPS[$test,$target]+="$rps "; CPU[$test,$target]+="$cpu "; SYS[$test,$target]+="$sys "
            printf '%-6s round %d  %-14s %8s req/s %7s µs/req (kernel %s)\n' "$test" "$round" "$target" "$rps" "$cpu" "$sys"
        done
    done
    for target in "${targets[@]}"; do
        printf '%-6s median %-14s %8s req/s %7s µs/req (kernel %s)  (rounds: %s)\n' "$test" "$target" \
            "$(tr ' ' '\n' <<<"${RPS[$test,$target]}" | grep . | median)" \
            "$(tr ' ' '\n' <<<"${CPU[$test,$target]}" | grep . | median)" \
            "$(tr ' ' '\n' <<<"${SYS[$test,$target]}" | grep . | median)" "${CPU[$test,$target]% }"
    done
done
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
