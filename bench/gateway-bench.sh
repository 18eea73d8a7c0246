# shellcheck shell=bash
# Shared parts of the benchmarks that run FreezeGate as users run it (bench/proxy-vs-nginx.sh,
# bench/tls-vs-nginx.sh): a throwaway PostgreSQL with the tenants, the upstream nginx, waiting for
# a gateway's snapshot, and the CPU time of a process tree. Sourced after common.sh; the caller
# sets PG_BIN, TENANTS, UPSTREAM_PORT and FORWARDED_PATH.

PG_STARTED=""
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_tenant_db() { # PostgreSQL on a Unix socket only, migrated, TENANTS tenants, every tenth frozen
    # -> DATABASE_URL_BENCH
    local port=$((20000 + RANDOM % 20000)) # names the Unix socket only; no TCP listener
    mkdir -p "$WORK/pg"
    [ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
    as_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
    PG_STARTED=1
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 60 \
        -o "-k $WORK/pg -p $port -c listen_addresses=''" start >/dev/null
    DATABASE_URL_BENCH="postgresql:///freezegate_bench?host=$WORK/pg&port=$port&user=postgres"
    psql -X -q -v ON_ERROR_STOP=1 "postgresql:///postgres?host=$WORK/pg&port=$port&user=postgres" \
        -c 'CREATE DATABASE freezegate_bench'
    "$FREEZEGATE" migrate --database-url "$DATABASE_URL_BENCH" > "$WORK/migrate.log" 2>&1 \
        || { cat "$WORK/migrate.log" >&2; exit 1; }
    echo "seeding $TENANTS tenants, $((TENANTS / 10)) of them frozen ..." >&2
    # Through the SQL functions, as operators create and freeze tenants (bench/snapshot-query.sh
    # bypasses them for 100,000 tenants; 10,000 take a few seconds this way). Keys t00001, t00002, …
    psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL_BENCH" >/dev/null <<SQL
SELECT count(*) FROM (
    SELECT freezegate.create_tenant('t' || lpad(i::text, 5, '0'), 'owner' || i || '@school' || i || '.example',
                                    now() + interval '365 days')
    FROM generate_series(1, $TENANTS) AS i) AS created;
SELECT count(*) FROM (
    SELECT freezegate.force_freeze('t' || lpad(i::text, 5, '0'), now(), now() + interval '60 days',
                                   'benchmark: a frozen tenant')
    FROM generate_series(10, $TENANTS, 10) AS i) AS frozen;
VACUUM ANALYZE;
SQL
}

stop_tenant_db() { # before common.sh's cleanup: the cluster's directory is inside $WORK
    if [ -n "$PG_STARTED" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
        PG_STARTED=""
    fi
}

start_upstream() { # the origin: nginx, 2 workers, no access log, a static 1 KiB file at FORWARDED_PATH
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
        root $WORK/www;
    }
}"
    wait_for_port "$UPSTREAM_PORT"
}

wait_gateway_ready() { # wait_gateway_ready NAME PID ADMIN-PORT -> GATEWAY_LOADED, GATEWAY_FROZEN
    local name=$1 pid=$2 admin=$3 _
    # Ready = the tenant snapshot is loaded (/readyz 200); before that the gateway forwards
    # every request as "state unknown" and would be measured without look-ups.
    for _ in $(seq 1 600); do
        curl -fs -o /dev/null "http://127.0.0.1:$admin/readyz" && break
        kill -0 "$pid" 2>/dev/null || { echo "$name exited:" >&2; tail -5 "$WORK/$name.err" >&2; exit 1; }
        sleep 0.1
    done
    curl -fs -o /dev/null "http://127.0.0.1:$admin/readyz" || { echo "$name: no snapshot after 60 s" >&2; exit 1; }
    # The tenant gauges are refreshed every 5 s off the event loops: wait for the first refresh.
    local metrics=""
    GATEWAY_LOADED="" GATEWAY_FROZEN=""
    for _ in $(seq 1 60); do
        metrics=$(curl -fs "http://127.0.0.1:$admin/metrics" || true)
        GATEWAY_LOADED=$(awk '/^freezegate_tenants_loaded / {print $2 + 0}' <<<"$metrics")
        GATEWAY_FROZEN=$(awk '/^freezegate_tenants\{state="frozen"\}/ {print $2 + 0}' <<<"$metrics")
        [ "${GATEWAY_LOADED:-0}" != 0 ] && [ "${GATEWAY_FROZEN:-0}" != 0 ] && break
        sleep 0.2
    done
}

tree_pids() { # tree_pids PID -> the PID and all its descendants
    local child
    echo "$1"
    for child in $(pgrep -P "$1" || true); do tree_pids "$child"; done
}

cpu_ticks() { # cpu_ticks PID [kernel] -> utime + stime (clock ticks) of the process tree, every thread included; stime alone with "kernel"
    local pid total=0 fields='$12 + $13'
    [ "${2:-}" = kernel ] && fields='$13'
    for pid in $(tree_pids "$1"); do
        # Fields 14 and 15 of stat, counted after the ") " that ends the command name (which may
        # contain spaces); a process that ended meanwhile counts nothing.
        total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk "{print $fields} END {if (!NR) print 0}")))
    done
    echo "$total"
}
context_switches() { # context_switches PID -> voluntary and involuntary switches of the process tree, every thread
    local pid task voluntary=0 involuntary=0
    for pid in $(tree_pids "$1"); do
        for task in /proc/"$pid"/task/*; do
            read -r v i < <(awk '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {i = $2} END {print v + 0, i + 0}' "$task/status" 2>/dev/null || echo 0 0)
            voluntary=$((voluntary + ${v:-0}))
            involuntary=$((involuntary + ${i:-0}))
        done
    done
    echo "$voluntary $involuntary"
}
# shellcheck disable=SC2034 # used by the scripts that source this file
TICK=$(getconf CLK_TCK) # clock ticks per second, for cpu_ticks

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# paired_comparison "THIS BUILD'S FIGURES" "BASELINE'S FIGURES": the two builds' CPU µs per request
# round by round (each round ran both, in turn, on the same machine state) -> the median of the
# per-round differences, as µs and as a share of the baseline's, and in how many rounds this
# build cost less. On a shared 2-core machine a round's figure moves by ±10 %; the difference
# within a round moves less, and the count of rounds shows whether a change is more than noise.
paired_comparison() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        n = split(a, x, " "); split(b, y, " "); lower = 0
        for (i = 1; i <= n; i++) { d[i] = x[i] - y[i]; r[i] = 100 * d[i] / y[i]; if (d[i] < 0) lower++ }
        for (i = 2; i <= n; i++) { # insertion sort: mawk (the awk Debian installs) has no asort
            v = d[i]; w = r[i]; j = i - 1
            while (j >= 1 && d[j] > v) { d[j + 1] = d[j]; j-- }
            d[j + 1] = v
            j = i - 1
            while (j >= 1 && r[j] > w) { r[j + 1] = r[j]; j-- }
            r[j + 1] = w
        }
        md = n % 2 ? d[(n + 1) / 2] : (d[n / 2] + d[n / 2 + 1]) / 2
        mr = n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
        printf "this build against the baseline, round by round: CPU per request %+.1f us (%+.1f %%, median of the rounds), lower in %d of %d rounds", md, mr, lower, n
    }'
}

# The request fields of a browser's page load (Chromium 120's, with a session cookie), sent with
# BROWSER_HEADERS=1 by bench/proxy-vs-nginx.sh and bench/tls-vs-nginx.sh: what a school's staff
# send, where wrk and h2load alone send hardly more than the host.
BROWSER_FIELDS=(
    -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
    -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8'
    -H 'Accept-Language: ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7'
    -H 'Accept-Encoding: gzip, deflate'
    -H 'Cookie: PHPSESSID=8f3c2a9d41b7e6f05c2d9a1b3e7f4c6d; _csrf=5b1e0c9f7a2d4e8b6c3a1f0e9d8c7b6a; lang=ru'
    -H 'Referer: http://t00042.s20.online/customer/1/index'
    -H 'Connection: keep-alive'
    -H 'Upgrade-Insecure-Requests: 1'
    -H 'sec-ch-ua: "Not_A Brand";v="8", "Chromium";v="120"'
    -H 'sec-ch-ua-mobile: ?0'
    -H 'sec-ch-ua-platform: "Linux"'
)
# The same over HTTP/2 (names in lower case; no Connection field, which HTTP/2 forbids).
BROWSER_FIELDS_H2=(
    -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
    -H 'accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8'
    -H 'accept-language: ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7'
    -H 'accept-encoding: gzip, deflate'
    -H 'cookie: PHPSESSID=8f3c2a9d41b7e6f05c2d9a1b3e7f4c6d; _csrf=5b1e0c9f7a2d4e8b6c3a1f0e9d8c7b6a; lang=ru'
    -H 'referer: https://t00042.s20.online/customer/1/index'
    -H 'upgrade-insecure-requests: 1'
    -H 'sec-ch-ua: "Not_A Brand";v="8", "Chromium";v="120"'
    -H 'sec-ch-ua-mobile: ?0'
    -H 'sec-ch-ua-platform: "Linux"'
)

