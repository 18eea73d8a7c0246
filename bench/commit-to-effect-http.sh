#!/usr/bin/env bash
# Commit-to-effect through HTTP, and database transactions per 1,000 proxied requests, measured on the
# real gateway (`freezegate serve`: Gate + live PostgreSQL state + proxy) in front of the demo CRM.
#
#   bench/commit-to-effect-http.sh [TOGGLES] [REQUESTS]        defaults: 60 1000
#
# 1. Commit-to-effect: TOGGLES statements alternating
#      SELECT freezegate.force_freeze('acme', now(), now() + interval '31 days', 'bench')
#      SELECT freezegate.unfreeze('acme')
#    each sent in autocommit from a psql session; the clock starts when psql's answer to the statement
#    (its result row) reaches the measuring client, i.e. after the COMMIT, and stops at the first
#    response to `GET /company/1/dashboard` (`Host: acme.s20.online`) that shows the new state: 403 after
#    a freeze, anything else (the demo CRM's 200) after an unfreeze. Polled back to back over one
#    keep-alive connection (python3 http.client). Toggles are 100-150 ms apart, so that each change is
#    "the first after a quiet spell" for the sync (back-to-back changes measure its 20 ms burst throttle).
# 2. Transactions per REQUESTS proxied requests in steady state: xact_commit + xact_rollback of the
#    gateway's database in pg_stat_database, read before and after REQUESTS requests spread evenly over
#    WINDOW seconds (default 6, longer than the listener's 5 s heartbeat interval) with no tenant
#    change, minus a baseline (the same two reads WINDOW seconds apart with no requests between them). The reads run in
#    separate short psql sessions connected to database `postgres`, so they add no transaction to the
#    measured database. Every statement the server executes is also logged and timed (log_statement = all,
#    log_min_duration_statement = 0, with application_name), so the gateway's own statements in each window are counted exactly, by kind
#    (the listener's heartbeat `SELECT 1`, snapshot queries, anything else).
#
# Everything runs on 127.0.0.1 / a Unix socket, bounded in count and time, and is removed on exit:
# a throwaway PostgreSQL 15 cluster (as user postgres when run as root; fsync off, autovacuum off so that
# no background worker adds transactions), the demo CRM and the gateway. Builds the release products if
# needed (reuses an existing build). PG_BIN overrides /usr/lib/postgresql/15/bin; SKIP_BUILD=1 skips
# `swift build`; KEEP=1 keeps the work directory (logs). Figures: docs/LIVE-STATE.md.
set -euo pipefail

TOGGLES=${1:-60}
REQUESTS=${2:-1000}
case "$TOGGLES$REQUESTS" in *[!0-9]*) echo "usage: $0 [TOGGLES] [REQUESTS]" >&2; exit 2 ;; esac
if [ "$TOGGLES" -lt 2 ] || [ "$TOGGLES" -gt 1000 ] || [ "$REQUESTS" -lt 1 ] || [ "$REQUESTS" -gt 100000 ]; then
    echo "TOGGLES must be 2..1000, REQUESTS 1..100000" >&2; exit 2
fi

REPO=$(cd "$(dirname "$0")/.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
WORK=$(mktemp -d /tmp/fg-bench-http.XXXXXX)
chmod 755 "$WORK"
PIDS=()
CLUSTER_STARTED=""

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
    local status=$?
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
    if [ -n "$CLUSTER_STARTED" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    if [ "$status" != 0 ]; then
        for f in gateway.err crm.out pg/log; do
            [ -s "$WORK/$f" ] && { echo "--- tail of $f" >&2; tail -n 20 "$WORK/$f" >&2; }
        done
    fi
    if [ -n "${KEEP:-}" ]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- build -------------------------------------------------------------------------------------
cd "$REPO"
if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release --product freezegate >&2
    swift build -c release --product freezegate-demo-crm >&2
fi
BIN=$(swift build -c release --show-bin-path)
FREEZEGATE=$BIN/freezegate
DEMO_CRM=$BIN/freezegate-demo-crm
[ -x "$FREEZEGATE" ] && [ -x "$DEMO_CRM" ] || { echo "missing $FREEZEGATE or $DEMO_CRM" >&2; exit 1; }

# --- PostgreSQL --------------------------------------------------------------------------------
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
PGPORT_=$((20000 + RANDOM % 20000))
as_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -A trust -U postgres >/dev/null
CLUSTER_STARTED=1
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -t 30 start -o "-k $WORK/pg -p $PGPORT_ \
    -c listen_addresses='' -c fsync=off -c autovacuum=off -c log_statement=all -c log_min_duration_statement=0 -c log_timezone=UTC \
    -c log_destination=stderr -c logging_collector=off" \
    -o "-c log_line_prefix='%m|%a|%p|'" >/dev/null

export PGHOST=$WORK/pg PGPORT=$PGPORT_ PGUSER=postgres
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE freezegate" >/dev/null
DATABASE_URL="postgresql://postgres@/freezegate?host=$WORK/pg&port=$PGPORT_"
"$FREEZEGATE" migrate --database-url "$DATABASE_URL" >"$WORK/migrate.out" 2>&1 \
    || { cat "$WORK/migrate.out" >&2; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 -d freezegate \
    -c "SELECT freezegate.create_tenant('acme','boss@acme.example', now() + interval '400 days')" >/dev/null

# --- demo CRM and gateway ----------------------------------------------------------------------
CRM_PORT=$(free_port)
"$DEMO_CRM" --listen "127.0.0.1:$CRM_PORT" >"$WORK/crm.out" 2>&1 &
PIDS+=($!)
GATE_PORT=$(free_port)
ADMIN_PORT=$(free_port)
"$FREEZEGATE" serve --database-url "$DATABASE_URL" --upstream "http://127.0.0.1:$CRM_PORT" \
    --listen "127.0.0.1:$GATE_PORT" --admin-listen "127.0.0.1:$ADMIN_PORT" --base-domain s20.online \
    --log-level warning >"$WORK/gateway.out" 2>"$WORK/gateway.err" &
GATEWAY_PID=$!
PIDS+=($GATEWAY_PID)

ready=""
for _ in $(seq 1 300); do # ≤ 30 s
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$ADMIN_PORT/readyz" || true)" = 200 ]; then
        ready=1; break
    fi
    sleep 0.1
done
[ -n "$ready" ] || { echo "the gateway did not become ready within 30 s" >&2; exit 1; }
crm_status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$CRM_PORT/company/1/dashboard" \
    -H 'Host: acme.s20.online' || true)
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "ready: gateway 127.0.0.1:$GATE_PORT (admin $ADMIN_PORT), demo CRM 127.0.0.1:$CRM_PORT (dashboard $crm_status)," \
    "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $WORK/pg:$PGPORT_" >&2

# --- measuring client --------------------------------------------------------------------------
cat >"$WORK/measure.py" <<'PY'
import datetime, http.client, os, random, signal, statistics, subprocess, sys, time

gate_port = int(os.environ["GATE_PORT"])
toggles = int(os.environ["TOGGLES"])
requests = int(os.environ["REQUESTS"])
window = float(os.environ["WINDOW"])
gateway_pid = int(os.environ["GATEWAY_PID"])
pg_log = os.environ["PG_LOG"]
PATH, HOST = "/company/1/dashboard", "acme.s20.online"
POLL_LIMIT_S = 5.0

def connection():
    c = http.client.HTTPConnection("127.0.0.1", gate_port, timeout=5)
    c.connect()
    return c

def get(c):
    c.request("GET", PATH, headers={"Host": HOST})
    r = c.getresponse()
    r.read()
    return r.status, r.getheader("Connection", "")

def percentile(values, p):  # nearest rank
    s = sorted(values)
    return s[max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))]

def ms(x):
    return f"{x * 1000:.2f} ms"

# ---- 1. commit-to-effect ----
psql = subprocess.Popen(
    ["stdbuf", "-oL", "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", "freezegate"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

def sql(statement, marker):
    psql.stdin.write(f"{statement};\n\\echo {marker}\n")
    psql.stdin.flush()
    sent = time.perf_counter()
    returned = None
    while True:
        line = psql.stdout.readline()
        if not line:
            sys.exit(f"psql ended while running: {statement}")
        if returned is None:
            returned = time.perf_counter()  # first output line: the statement's result (after COMMIT)
        if line.strip() == marker:
            return sent, returned

sql("SELECT 1", "__connected__")  # psql's start and connection are not part of "from sending"
c = connection()
status, _ = get(c)
if status != 200:
    sys.exit(f"expected 200 from the dashboard before the first freeze, got {status}")

latencies = {"freeze": [], "unfreeze": []}
from_send = []
polls = []
for i in range(toggles):
    kind = "freeze" if i % 2 == 0 else "unfreeze"
    statement = ("SELECT freezegate.force_freeze('acme', now(), now() + interval '31 days', 'bench')"
                 if kind == "freeze" else "SELECT freezegate.unfreeze('acme') IS NULL")
    sent, returned = sql(statement, f"__done_{i}__")
    n = 0
    while True:
        status, conn_header = get(c)
        n += 1
        now = time.perf_counter()
        if (status == 403) == (kind == "freeze"):
            break
        if now - returned > POLL_LIMIT_S:
            sys.exit(f"toggle {i} ({kind}): no effect within {POLL_LIMIT_S} s (last status {status})")
        if conn_header.lower() == "close":
            c.close(); c = connection()
    latencies[kind].append(now - returned)
    from_send.append(now - sent)
    polls.append(n)
    time.sleep(0.1 + random.random() * 0.05)
psql.stdin.close()
psql.wait(timeout=10)

every = latencies["freeze"] + latencies["unfreeze"]
print(f"commit-to-effect through HTTP, {len(every)} toggles "
      f"({len(latencies['freeze'])} freezes, {len(latencies['unfreeze'])} unfreezes), from the statement's return:")
print(f"  all       p50 {ms(statistics.median(every))}  p99 {ms(percentile(every, 99))}  max {ms(max(every))}"
      f"  min {ms(min(every))}")
for kind in ("freeze", "unfreeze"):
    v = latencies[kind]
    print(f"  {kind:9} p50 {ms(statistics.median(v))}  p99 {ms(percentile(v, 99))}  max {ms(max(v))}")
print(f"  from sending the statement: p50 {ms(statistics.median(from_send))}  p99 {ms(percentile(from_send, 99))}"
      f"  max {ms(max(from_send))}")
print(f"  polls per toggle: median {statistics.median(polls)}, max {max(polls)}")

def reload_query_durations():
    """Server-side time (parse + bind + execute, from log_min_duration_statement) of the sync's keyed reloads."""
    durations, current = [], None
    with open(pg_log, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split("|", 3)
            if len(parts) < 4 or parts[1] != "freezegate-state" or "duration:" not in parts[3]:
                continue
            value = float(parts[3].split("duration:", 1)[1].split("ms", 1)[0])
            if " parse " in parts[3]:
                current = value if "$1::text[]" in parts[3] else None
            elif " bind " in parts[3]:
                if current is not None:
                    current += value
            elif current is not None:
                durations.append(current + value)
                current = None
    return durations

reloads = reload_query_durations()
if reloads:
    print(f"  keyed reload queries (snapshot_tenants(keys)): {len(reloads)}, server-side time"
          f" p50 {statistics.median(reloads):.2f} ms, max {max(reloads):.2f} ms")

# ---- 2. transactions per REQUESTS requests ----
def xacts():
    # A separate short session in database `postgres`: it adds nothing to freezegate's counters. The wait
    # lets backends that just ended flush their statistics; the snapshot is cleared before reading.
    out = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", "postgres",
         "-c", "SELECT pg_sleep(0.6)",
         "-c", "SELECT pg_stat_clear_snapshot()",
         "-c", "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'freezegate'"],
        check=True, capture_output=True, text=True, timeout=30).stdout.split()
    return int(out[-1]), datetime.datetime.now(datetime.timezone.utc)

def gateway_statements(start, end):
    """Statements logged in [start, end) by the gateway's sessions, by application and kind."""
    counts = {}
    with open(pg_log, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split("|", 3)
            if len(parts) < 4 or not parts[1].startswith("freezegate"):
                continue
            try:
                at = datetime.datetime.strptime(parts[0].replace(" UTC", ""), "%Y-%m-%d %H:%M:%S.%f").replace(
                    tzinfo=datetime.timezone.utc)
            except ValueError:
                continue
            if not (start <= at < end) or "duration:" in parts[3] or ("statement:" not in parts[3] and "execute" not in parts[3]):
                continue
            text = parts[3].split(":", 2)[-1].strip()
            kind = "SELECT 1 (heartbeat)" if text.rstrip(";") == "SELECT 1" else \
                "snapshot_tenants" if "snapshot_tenants" in text else text[:60]
            key = (parts[1], kind)
            counts[key] = counts.get(key, 0) + 1
    return counts

# PostgreSQL 15 flushes a backend's statistics at most once a second; a backend that ran a transaction
# within a second of its last flush reports it only after 10 s idle. Wait that out after the toggles.
time.sleep(11)
c = connection()
get(c)  # warm the connection (before the windows)

# Two windows of the same length (WINDOW s, longer than the listener's 5 s heartbeat interval): one with
# no requests (baseline), one with REQUESTS requests spread evenly over it.
b0, tb0 = xacts()
time.sleep(window)
b1, tb1 = xacts()
m0, tm0 = xacts()
rtts, statuses = [], {}
started = time.perf_counter()
for i in range(requests):
    due = started + i * window / requests
    pause = due - time.perf_counter()
    if pause > 0:
        time.sleep(pause)
    t = time.perf_counter()
    status, conn_header = get(c)
    rtts.append(time.perf_counter() - t)
    statuses[status] = statuses.get(status, 0) + 1
    if conn_header.lower() == "close":
        c.close(); c = connection()
elapsed = time.perf_counter() - started
m1, tm1 = xacts()
c.close()
time.sleep(1.5)  # let the last window's statements reach the log

base, meas = b1 - b0, m1 - m0
print(f"database transactions per {requests} proxied requests (steady state, no tenant changes):")
print(f"  {requests} requests over {elapsed:.2f} s, statuses {statuses}, round trip p50 {ms(statistics.median(rtts))}"
      f" p99 {ms(percentile(rtts, 99))}")
logged = {}
for name, (start, end) in (("baseline", (tb0, tb1)), ("requests", (tm0, tm1))):
    counts = gateway_statements(start, end)
    logged[name] = sum(counts.values())
    described = ", ".join(f"{app} {kind}: {n}" for (app, kind), n in sorted(counts.items())) or "none"
    print(f"  gateway statements logged in the {name} window ({(end - start).total_seconds():.2f} s): {described}")
print(f"  pg_stat_database xact_commit+xact_rollback: baseline window {base}, request window {meas};"
      f" difference {meas - base}")
other = {name: n for name, n in logged.items()}
for name, (start, end) in (("baseline", (tb0, tb1)), ("requests", (tm0, tm1))):
    other[name] = sum(n for (app, kind), n in gateway_statements(start, end).items() if not kind.startswith("SELECT 1"))
print(f"  => per {requests} requests: {meas - base} transactions (pg_stat, request window minus baseline);"
      f" gateway statements other than heartbeats: {other['requests']} in the request window,"
      f" {other['baseline']} in the baseline")
everything = gateway_statements(datetime.datetime.min.replace(tzinfo=datetime.timezone.utc), tm1)
heartbeats = sum(n for (app, kind), n in everything.items() if kind.startswith("SELECT 1"))
print(f"  listener heartbeats over the whole run (server log): {heartbeats}")

# PostgreSQL 15 flushes a backend's counters only when it has other pending statistics (a table or
# function touched) or when the session ends: transactions that touch no table, like the listener's
# LISTEN and its `SELECT 1` heartbeats, stay in the backend until then. Stop the gateway and see them.
os.kill(gateway_pid, signal.SIGTERM)
deadline = time.monotonic() + 30
while os.path.exists(f"/proc/{gateway_pid}") and time.monotonic() < deadline:
    try:
        with open(f"/proc/{gateway_pid}/stat") as f:
            if f.read().split(") ", 1)[1].startswith("Z"):
                break
    except OSError:
        break
    time.sleep(0.05)
s0, ts0 = m1, tm1
s1, ts1 = xacts()
listener = sum(n for (app, kind), n in gateway_statements(datetime.datetime.min.replace(tzinfo=datetime.timezone.utc), ts1).items()
               if app == "freezegate-listener")
print(f"  after the gateway stopped: +{s1 - s0} transactions flushed by its sessions as they ended"
      f" (the listener ran {listener} statements in its whole life: LISTEN and {heartbeats} heartbeats)")
PY

GATEWAY_PID=$GATEWAY_PID WINDOW=${WINDOW:-6} GATE_PORT=$GATE_PORT TOGGLES=$TOGGLES REQUESTS=$REQUESTS PG_LOG=$WORK/pg/log \
    timeout 600 python3 "$WORK/measure.py"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"\
    "load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
if grep -q "error\|critical" "$WORK/gateway.err" 2>/dev/null; then
    echo "gateway logged errors:" >&2; grep "error\|critical" "$WORK/gateway.err" | tail -n 5 >&2
fi
