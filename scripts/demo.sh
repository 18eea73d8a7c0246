#!/usr/bin/env bash
# FreezeGate, locally, in one command: PostgreSQL in .run/pg, the migrations, three demo tenants,
# the demo CRM and the gateway in front of it. Ctrl-C stops everything and leaves nothing running.
#
#   scripts/demo.sh            run until Ctrl-C
#   scripts/demo.sh --smoke    start everything, try the curl commands once, stop (for tests and CI)
#
# Environment: FREEZEGATE_DEMO_PG_PORT (54329), FREEZEGATE_DEMO_CRM_PORT (8081),
# FREEZEGATE_DEMO_HTTP_PORT (8080), FREEZEGATE_DEMO_ADMIN_PORT (9090), FREEZEGATE_DEMO_SKIP_BUILD=1
# (use the binaries already in .build/release), FREEZEGATE_DEMO_BIN (a directory with freezegate and
# freezegate-demo-crm; no build), FREEZEGATE_DEMO_RUN_DIR (instead of .run; the cluster is in its pg/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${FREEZEGATE_DEMO_RUN_DIR:-$ROOT/.run}"
PG_DIR="$RUN_DIR/pg"
PG_PORT="${FREEZEGATE_DEMO_PG_PORT:-54329}"
CRM_PORT="${FREEZEGATE_DEMO_CRM_PORT:-8081}"
HTTP_PORT="${FREEZEGATE_DEMO_HTTP_PORT:-8080}"
ADMIN_PORT="${FREEZEGATE_DEMO_ADMIN_PORT:-9090}"
DATABASE="freezegate_demo"
SMOKE=0
[[ "${1:-}" == "--smoke" ]] && SMOKE=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

as_postgres() {
    if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_pg_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
        [[ -x "$dir/initdb" ]] && { echo "$dir"; return 0; }
    done
    command -v pg_config >/dev/null && [[ -x "$(pg_config --bindir)/initdb" ]] && { pg_config --bindir; return 0; }
    return 1
}

# ---- 1. PostgreSQL and libpq ------------------------------------------------------------------
if ! find_pg_bin >/dev/null || ! pkg-config --exists libpq 2>/dev/null; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        say "installing postgresql and libpq-dev (apt-get)"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql libpq-dev pkg-config >/dev/null
    else
        die "PostgreSQL server binaries or libpq-dev missing; install them: sudo apt-get install -y postgresql libpq-dev"
    fi
fi
PG_BIN="$(find_pg_bin)" || die "initdb not found after installing postgresql"
command -v curl >/dev/null || say "curl is not installed: the URLs below still work in a browser"

# ---- 2. build ---------------------------------------------------------------------------------
cd "$ROOT"
if [[ -n "${FREEZEGATE_DEMO_BIN:-}" ]]; then
    BIN="$FREEZEGATE_DEMO_BIN"
else
    if [[ "${FREEZEGATE_DEMO_SKIP_BUILD:-0}" != 1 ]]; then
        say "building (swift build -c release)"
        swift build -c release
    fi
    BIN="$(swift build -c release --show-bin-path)"
fi
[[ -x "$BIN/freezegate" && -x "$BIN/freezegate-demo-crm" ]] || die "no binaries in $BIN; run swift build -c release"

# ---- 3. a cluster in .run/pg ------------------------------------------------------------------
PIDS=()
PG_STARTED=0
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Stop everything whatever happens to our output: Ctrl-C also kills a `| tee` reader, and a
    # message to a closed pipe must not end the cleanup before PostgreSQL is stopped.
    set +e
    say "stopping the gateway, the demo CRM and PostgreSQL" || true
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ "$PG_STARTED" == 1 ]]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    [[ "$status" == 130 || "$status" == 143 ]] && { say "stopped; nothing is left running" || true; }
    exit "$status"
}
trap cleanup EXIT
# A closed output pipe makes writes fail (and, with set -e, the script exit through cleanup) instead
# of killing the script outright with everything left running.
trap '' PIPE
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$PG_DIR"
if [[ "$(id -u)" == 0 ]]; then
    chown postgres:postgres "$PG_DIR"
    runuser -u postgres -- test -w "$PG_DIR" \
        || die "user postgres cannot write $PG_DIR (a parent directory is not accessible to it); move the checkout, e.g. to /opt or /srv"
fi
if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
    say "creating a PostgreSQL cluster in $PG_DIR"
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C >"$RUN_DIR/initdb.log" 2>&1 \
        || die "initdb failed, see $RUN_DIR/initdb.log"
fi
if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    say "stopping a cluster left running in $PG_DIR"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
fi
say "starting PostgreSQL (socket $PG_DIR, port $PG_PORT)"
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-k $PG_DIR -p $PG_PORT -c listen_addresses=''" start >/dev/null \
    || die "PostgreSQL did not start, see $PG_DIR/server.log"
PG_STARTED=1

export DATABASE_URL="postgresql:///$DATABASE?host=$PG_DIR&port=$PG_PORT&user=postgres"
ADMIN_URL="postgresql:///postgres?host=$PG_DIR&port=$PG_PORT&user=postgres"
# client_min_messages: no "NOTICE: database … does not exist, skipping" on a first run.
PGOPTIONS='-c client_min_messages=warning' "$PG_BIN/psql" "$ADMIN_URL" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DATABASE" -c "CREATE DATABASE $DATABASE" >/dev/null

# ---- 4. migrate and seed ----------------------------------------------------------------------
say "freezegate migrate"
"$BIN/freezegate" migrate --database-url "$DATABASE_URL"

say "seeding demo tenants through the SQL functions (freezegate tenant …)"
NEXT_SUMMER="$(( $(date -u +%Y) + 1 ))-08-31T00:00:00Z"
IN_A_YEAR="$(date -u -d '+365 days' +%Y-%m-%dT00:00:00Z)"
IN_HALF_A_YEAR="$(date -u -d '+180 days' +%Y-%m-%dT00:00:00Z)"
TWO_MONTHS_AGO="$(date -u -d '-60 days' +%Y-%m-%dT00:00:00Z)"
tenant() { "$BIN/freezegate" tenant "$@" --database-url "$DATABASE_URL" >/dev/null; }
tenant create acme --owner-email director@acme.example --paid-until "$IN_A_YEAR"
CUSTOM_DOMAIN="crm.acme-school.localhost"
tenant add-domain acme "$CUSTOM_DOMAIN"
tenant create school --owner-email director@school.example --paid-until "$IN_HALF_A_YEAR"
# A support freeze from now until next summer (longer than the 90 days a request may take).
tenant freeze school --force --reason "demo: closed until the summer" --from now --until "$NEXT_SUMMER"
tenant create oldschool --owner-email director@oldschool.example --paid-until "$TWO_MONTHS_AGO"
"$BIN/freezegate" tenant list --database-url "$DATABASE_URL"

# ---- 5. demo CRM and gateway ------------------------------------------------------------------
say "starting the demo CRM on 127.0.0.1:$CRM_PORT"
"$BIN/freezegate-demo-crm" --listen "127.0.0.1:$CRM_PORT" --domain "$CUSTOM_DOMAIN=acme" >"$RUN_DIR/demo-crm.log" 2>&1 &
PIDS+=($!)

GATEWAY=0
if "$BIN/freezegate" --help 2>/dev/null | grep -qE '^[[:space:]]+serve([[:space:]]|$)'; then
    say "starting the gateway on 127.0.0.1:$HTTP_PORT (admin 127.0.0.1:$ADMIN_PORT)"
    "$BIN/freezegate" serve --database-url "$DATABASE_URL" --upstream "http://127.0.0.1:$CRM_PORT" \
        --listen "127.0.0.1:$HTTP_PORT" --admin-listen "127.0.0.1:$ADMIN_PORT" \
        --base-domain s20.online --base-domain localhost >"$RUN_DIR/gateway.log" 2>&1 &
    PIDS+=($!)
    GATEWAY=1
else
    say "this build has no 'freezegate serve' yet: only the demo CRM runs (port $CRM_PORT)"
fi

wait_for() {  # URL
    for _ in $(seq 1 150); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
        sleep 0.2
    done
    return 1
}
if command -v curl >/dev/null; then
    wait_for "http://127.0.0.1:$CRM_PORT/robots.txt" || die "the demo CRM did not start, see $RUN_DIR/demo-crm.log"
    if [[ "$GATEWAY" == 1 ]]; then
        wait_for "http://127.0.0.1:$ADMIN_PORT/readyz" || die "the gateway did not get ready, see $RUN_DIR/gateway.log"
    fi
fi

PORT="$HTTP_PORT"; [[ "$GATEWAY" == 1 ]] || PORT="$CRM_PORT"
cat <<TEXT

FreezeGate demo is running. Tenants: acme (active, also at its own domain $CUSTOM_DOMAIN),
school (frozen until $NEXT_SUMMER), oldschool (expired).

  In a browser (*.localhost resolves to this machine):
    http://acme.localhost:$PORT/company/1/dashboard        active: the CRM page
    http://$CUSTOM_DOMAIN:$PORT/company/1/dashboard
                                                           active, by acme's own domain
    http://school.localhost:$PORT/company/1/dashboard      frozen: the "account frozen" page
    http://school.localhost:$PORT/company/1/licensing      frozen, but Licensing stays open
    http://school.localhost:$PORT/customer/1/schedule      frozen, but the client cabinet stays open
    http://oldschool.localhost:$PORT/teacher/1/journal     expired: the "licence expired" page
    http://127.0.0.1:$ADMIN_PORT/metrics                       metrics (also /healthz, /readyz)

  With curl:
    curl -i -H 'Host: acme.s20.online'   http://127.0.0.1:$PORT/company/1/dashboard
    curl -i -H 'Host: $CUSTOM_DOMAIN' http://127.0.0.1:$PORT/company/1/dashboard
    curl -i -H 'Host: school.s20.online' http://127.0.0.1:$PORT/company/1/dashboard
    curl -i -H 'Host: school.s20.online' -H 'Accept: application/json' http://127.0.0.1:$PORT/company/1/dashboard
    curl -i -H 'Host: school.s20.online' http://127.0.0.1:$PORT/company/1/licensing
    curl -i -H 'Host: school.s20.online' -X POST -d '{"event":"paid"}' http://127.0.0.1:$PORT/api/1/webhook

  Operate tenants (the gateway applies every change at once):
    export DATABASE_URL='$DATABASE_URL'
    $BIN/freezegate tenant list
    $BIN/freezegate tenant unfreeze school
    $BIN/freezegate tenant status school
    $BIN/freezegate classify GET http://school.s20.online/company/1/dashboard

  Logs: $RUN_DIR/gateway.log, $RUN_DIR/demo-crm.log, $PG_DIR/server.log
  Ctrl-C stops everything.
TEXT

if [[ "$SMOKE" == 1 ]]; then
    say "smoke test"
    failed=0
    check() {  # HOST PATH EXPECTED-STATUS (checked only when the gateway runs)
        local code
        code="$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $1" "http://127.0.0.1:$PORT$2")"
        echo "$1 $2 -> $code"
        if [[ "$GATEWAY" == 1 && "$code" != "$3" ]]; then
            echo "  expected $3" >&2
            failed=1
        fi
    }
    check acme.s20.online /company/1/dashboard 200
    check school.s20.online /company/1/dashboard 403
    check school.s20.online /company/1/licensing 200
    check school.s20.online /customer/1/schedule 200
    check oldschool.s20.online /teacher/1/journal 403
    check "$CUSTOM_DOMAIN" /company/1/dashboard 200
    exit "$failed"
fi

# Run until Ctrl-C, or until the CRM or the gateway stops by itself.
while true; do
    for pid in "${PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || { say "a process stopped by itself, see the logs in $RUN_DIR"; exit 1; }
    done
    sleep 1
done
