#!/usr/bin/env bash
# A full resync at TENANTS tenants, seen by the requests: the worst request latency while the gateway
# reloads every tenant, the time for a change committed during the resync to take effect, and the
# gateway's resident memory — on the real gateway (`freezegate serve`) with a real PostgreSQL.
#
#   bench/resync-stall.sh [TENANTS] [ROUNDS]          defaults: 1000000 3
#   BASELINE=/path/to/older/freezegate bench/resync-stall.sh   # the same rounds with an older build too
#   RATE=500 bench/resync-stall.sh 1000000 4   # the load at 500 requests/s on a schedule, not back to back
#   PIN=1 RATE=500 bench/resync-stall.sh        # the gateway alone on CPU 0, everything else on CPU 1
#   PIN=db RATE=500 bench/resync-stall.sh       # PostgreSQL alone on CPU 1, everything else on CPU 0
#   PIN=host RATE=500 bench/resync-stall.sh     # the gateway alone on CPU 0; on CPU 1 the clients and
#                                               # the upstream first, PostgreSQL only when they idle
#
# 1. Seeds TENANTS tenants with SQL (generate_series: two freezes each, a custom domain for every
#    fourth, as bench/live-state.sh does) plus `acme`, and starts the gateway in front of a small
#    upstream (the same for every build measured);
#    reports the time from start to ready and the resident memory once ready.
# 2. A client process sends requests back to back over one keep-alive connection (python3
#    http.client; `GET /company/1/dashboard`, Host t<random>.s20.online: the tenant is looked up in the
#    snapshot, the request forwarded to a small Python upstream answering 200 with 64 bytes) for
#    the whole run, recording each latency. With RATE=N the requests go out N per second on a fixed
#    schedule instead, each latency counted from its slot: back to back, the client, the upstream
#    and the gateway keep both cores of a 2-core machine busy before any resync, so the machine's
#    own scheduling delays mix with what a resync adds; on a schedule they leave room.
# 3. Each round forces a full resync by ending the gateway's LISTEN session (pg_terminate_backend on
#    application_name freezegate-listener): the gateway reconnects and reloads every tenant. As soon as
#    the load's query runs (pg_stat_activity), `acme` is frozen (force_freeze, autocommit) and a second
#    client polls `Host: acme.s20.online` until it answers 403: commit-to-effect during the resync.
#    The round ends when the gateway logs that the snapshot was reloaded; `acme` must still answer 403
#    afterwards (the resync must not revert the change), then it is unfrozen for the next round.
#    Reported per round: the resync's length (termination → reloaded), the worst request latency from
#    the termination until 1 s after the reload against the worst over the 10 s before the round (and
#    the 99.9th percentile and the share of requests over 10 ms, during and before: the client and the
#    machine have their own stalls, which the 10 s before show; and, for the requests over 10 ms or
#    else the worst, the largest request_time and upstream_time the gateway's access log shows for
#    them — each request carries its number in the query, `?n=N` — so that a request slow at the
#    client but quick in the gateway is seen to have waited elsewhere; and the longest the gateway's
#    event-loop threads were runnable but waiting for a CPU, from their schedstat sampled every
#    10 ms, during and before), the
#    commit-to-effect time, the peak resident memory against the value before the round, and the
#    gateway's CPU time during the resync (all its threads; the load's own work plus serving).
#
# With PIN=1 (taskset, 2 cores or more) the gateway runs on CPU 0 and PostgreSQL, the upstream and
# the clients on CPU 1, as if they were other hosts: the event loops then share a core with the
# gateway's own resync only, so their waits for a CPU measure the gateway's own share (the
# clients' latencies then include PostgreSQL's contention on CPU 1; the access log and the
# event loops' waits are the figures to read). With PIN=db PostgreSQL runs alone on CPU 1, as if
# the database were another host, and the gateway, the upstream and the clients share CPU 0: what
# the clients see then includes everything the gateway's resync costs on the serving host (the
# rows arriving, decoding, building the tables) and nothing of PostgreSQL's own work on the query.
# With PIN=host the gateway runs alone on CPU 0 as with PIN=1, and PostgreSQL on CPU 1 under the
# SCHED_IDLE policy (chrt --idle), so that the clients and the upstream beside it run whenever they
# are ready, as if the database were another host: its query neither delays the upstream's answers
# nor the clients' clocks, and what the clients see of a resync is the gateway's part only (its
# own load competing with its event loops) plus the client's and upstream's own small costs.
#
# Everything runs on 127.0.0.1 / a Unix socket and is removed on exit: a throwaway PostgreSQL 15
# cluster (as user postgres when run as root; fsync off), the upstream and the gateway. Builds the
# release product unless SKIP_BUILD=1; BIN=DIR takes freezegate from DIR (BIN_LABEL names it). PG_BIN overrides /usr/lib/postgresql/15/bin; KEEP=1 keeps the
# work directory (logs). Figures: docs/LIVE-STATE.md and docs/BENCHMARKS.md.
set -euo pipefail

TENANTS=${1:-1000000}
ROUNDS=${2:-3}
case "$TENANTS$ROUNDS" in *[!0-9]*) echo "usage: $0 [TENANTS] [ROUNDS]" >&2; exit 2 ;; esac
if [ "$TENANTS" -lt 1000 ] || [ "$TENANTS" -gt 5000000 ] || [ "$ROUNDS" -lt 1 ] || [ "$ROUNDS" -gt 20 ]; then
    echo "TENANTS must be 1000..5000000, ROUNDS 1..20" >&2; exit 2
fi
BASELINE=${BASELINE:-}
RATE=${RATE:-0}
PIN=${PIN:-}
case "$PIN" in
    '') ;;
    1) GATEWAY_CPU=0 PG_CPU=1 OTHERS_CPU=1 ;;
    db) GATEWAY_CPU=0 PG_CPU=1 OTHERS_CPU=0 ;;
    host) GATEWAY_CPU=0 PG_CPU=1 OTHERS_CPU=1 ;;
    *) echo "PIN must be 1 (the gateway alone on CPU 0), db (PostgreSQL alone on CPU 1) or host (the gateway alone, PostgreSQL idle-priority)" >&2; exit 2 ;;
esac
case "$RATE" in ''|*[!0-9]*) echo "RATE must be a whole number of requests per second (0: back to back)" >&2; exit 2 ;; esac
[ -n "$BASELINE" ] && [ ! -x "$BASELINE" ] && { echo "BASELINE=$BASELINE is not an executable" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
WORK=$(mktemp -d /tmp/fg-bench-resync.XXXXXX)
chmod 755 "$WORK"
PIDS=()
CLUSTER_STARTED=""

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# on_cpu N COMMAND...: becomes COMMAND, on CPU N when PIN is set (exec: in a background job or a
# subshell the process keeps the job's PID, so $! is the command's own).
on_cpu() { local cpu=$1; shift; if [ -n "$PIN" ]; then exec taskset -c "$cpu" "$@"; else exec "$@"; fi; }

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
fi
BIN=${BIN:-$(swift build -c release --show-bin-path)}
FREEZEGATE=$BIN/freezegate
[ -x "$FREEZEGATE" ] || { echo "missing $FREEZEGATE" >&2; exit 1; }

# --- PostgreSQL and the tenants ----------------------------------------------------------------
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
PGPORT_=$((20000 + RANDOM % 20000))
as_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -A trust -U postgres >/dev/null
CLUSTER_STARTED=1
PG_ON_CPU=()
[ -n "$PIN" ] && PG_ON_CPU=(taskset -c "$PG_CPU")
# Inherited by the postmaster and every backend it starts.
[ "$PIN" = host ] && PG_ON_CPU+=(chrt --idle 0)
as_pg "${PG_ON_CPU[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -t 30 start -o "-k $WORK/pg -p $PGPORT_ \
    -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c shared_buffers=256MB" >/dev/null

export PGHOST=$WORK/pg PGPORT=$PGPORT_ PGUSER=postgres
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE freezegate" >/dev/null
DATABASE_URL="postgresql://postgres@/freezegate?host=$WORK/pg&port=$PGPORT_"
"$FREEZEGATE" migrate --database-url "$DATABASE_URL" >"$WORK/migrate.out" 2>&1 \
    || { cat "$WORK/migrate.out" >&2; exit 1; }
echo "seeding $TENANTS tenants, $((TENANTS * 2)) freezes, $((TENANTS / 4)) domains ..." >&2
seed_started=$(date +%s)
psql -X -q -v ON_ERROR_STOP=1 -d freezegate >/dev/null <<SQL
SET session_replication_role = replica;
INSERT INTO freezegate.tenants (key, owner_email, paid_from, paid_until, created_at)
SELECT 't' || i, 'owner' || i || '@school' || i || '.example', NULL,
       timestamptz '2031-06-01Z' + (i % 365) * interval '1 day', timestamptz '2030-01-01Z'
FROM generate_series(1, $TENANTS) AS i;
INSERT INTO freezegate.domains (domain, tenant)
SELECT 'crm.school' || i || '.example', 't' || i FROM generate_series(1, $TENANTS, 4) AS i;
INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, credited)
SELECT 't' || i, timestamptz '2031-01-01Z' + (i % 20) * interval '1 day',
       timestamptz '2031-01-01Z' + (i % 20) * interval '1 day' + interval '30 days',
       'owner' || i || '@school' || i || '.example', interval '30 days'
FROM generate_series(1, $TENANTS) AS i;
INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, credited)
SELECT 't' || i, timestamptz '2031-07-01Z' + (i % 30) * interval '1 day',
       timestamptz '2031-07-01Z' + (i % 30) * interval '1 day' + interval '45 days',
       'owner' || i || '@school' || i || '.example', interval '45 days'
FROM generate_series(1, $TENANTS) AS i;
SET session_replication_role = origin;
SELECT freezegate.create_tenant('acme', 'boss@acme.example', now() + interval '400 days');
VACUUM ANALYZE;
SQL
echo "seeded in $(( $(date +%s) - seed_started )) s" >&2

CRM_PORT=$(free_port)
cat >"$WORK/upstream.py" <<'PY'
# 200 with 64 bytes, head and body in one write with TCP_NODELAY: a response split in two writes
# meets the peer's delayed ACK and costs 40 ms, which would hide the latencies measured here.
import socket, socketserver, sys
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 64\r\nContent-Type: text/plain\r\n\r\n" + b"x" * 64
class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffered = b""
        while True:
            while b"\r\n\r\n" not in buffered:
                data = self.request.recv(65536)
                if not data:
                    return
                buffered += data
            _, buffered = buffered.split(b"\r\n\r\n", 1)  # GET requests: no body
            self.request.sendall(RESPONSE)
socketserver.ThreadingTCPServer.daemon_threads = True
socketserver.ThreadingTCPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
on_cpu "${OTHERS_CPU:-}" python3 "$WORK/upstream.py" "$CRM_PORT" >"$WORK/crm.out" 2>&1 &
PIDS+=($!)

# --- the measurement, per build ----------------------------------------------------------------
cat >"$WORK/client.py" <<'PY'
# Requests over one keep-alive connection until the file STOP exists, back to back (RATE 0) or
# RATE per second on a fixed schedule; one line per request: monotonic start time, latency (s),
# status. On a schedule, a request's latency counts from its slot, not from when it was sent, so a
# stall also shows in the requests it held back (no coordinated omission).
import http.client, os, random, socket, sys, time
port, out, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
tenants, rate = int(sys.argv[4]), float(sys.argv[5])
interval = 1 / rate if rate > 0 else 0.0
slot = time.monotonic()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
c.connect()
c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
with open(out, "w", buffering=1) as f:  # line-buffered: the driver reads it while it grows
    n = 0
    while True:
        n += 1
        if n % 256 == 0 and os.path.exists(stop):
            break
        host = f"t{random.randint(1, tenants)}.s20.online"
        if interval:
            slot += interval
            pause = slot - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            t = slot
        else:
            t = time.monotonic()
        try:
            c.request("GET", f"/company/1/dashboard?n={n}", headers={"Host": host})
            r = c.getresponse()
            r.read()
            status = r.status
            if (r.getheader("Connection") or "").lower() == "close":
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        except (OSError, http.client.HTTPException):
            status = 0
            c.close()
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        f.write(f"{t:.6f} {time.monotonic() - t:.6f} {status} {n}\n")
PY

cat >"$WORK/measure.py" <<'PY'
import http.client, os, subprocess, sys, threading, time

label, gate_port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rounds, latencies_file, log_file = int(sys.argv[4]), sys.argv[5], sys.argv[6]
ready_seconds, ready_rss = float(sys.argv[7]), int(sys.argv[8])
access_log_file = sys.argv[9]

def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

samples = []  # (monotonic, rss KiB), every 20 ms
def sample():
    while True:
        samples.append((time.monotonic(), rss_kib()))
        time.sleep(0.02)
threading.Thread(target=sample, daemon=True).start()

def event_loop_threads():
    """The gateway's event-loop threads (SwiftNIO names them NIO-ELT-…)."""
    threads = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().startswith("NIO-ELT"):
                    threads.append(tid)
        except OSError:
            pass
    return threads

def run_delay_ns(tid):
    """How long the thread has been runnable but waiting for a CPU, in total (schedstat)."""
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None

waits = []  # (monotonic, the most any event loop waited for a CPU since the previous sample, s)
def sample_waits():
    threads = event_loop_threads()
    last = {tid: run_delay_ns(tid) for tid in threads}
    while True:
        time.sleep(0.01)
        worst = 0
        for tid in threads:
            now = run_delay_ns(tid)
            if now is not None and last[tid] is not None:
                worst = max(worst, now - last[tid])
            last[tid] = now
        waits.append((time.monotonic(), worst / 1e9))
threading.Thread(target=sample_waits, daemon=True).start()

def loop_wait(start, end):
    """The longest an event loop waited for a CPU within one ~10 ms sample in [start, end), and
    within three consecutive samples."""
    window = [w for t, w in waits if start <= t < end]
    longest = max(window, default=0.0)
    three = max((sum(window[i:i + 3]) for i in range(max(len(window) - 2, 0))), default=longest)
    return longest, three

# One psql session for every statement: a psql started per statement (tens of them while polling
# for the load's query) costs milliseconds of CPU each on the core the client and the upstream use.
psql = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", "freezegate"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
def sql(statement):
    psql.stdin.write(statement + ";\n\\echo __end__\n")
    psql.stdin.flush()
    lines = []
    while True:
        line = psql.stdout.readline()
        if not line:
            sys.exit(f"psql ended on: {statement}")
        if line.rstrip("\n") == "__end__":
            return "\n".join(lines).strip()
        lines.append(line.rstrip("\n"))

def acme_status(c):
    c.request("GET", "/company/1/dashboard", headers={"Host": "acme.s20.online"})
    r = c.getresponse()
    r.read()
    return r.status

def reloaded_lines():
    with open(log_file, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if "PostgreSQL is back" in line)

def latencies(start, end):
    """(worst, count, over 10 ms, 99.9th percentile, the request numbers of those over 10 ms and of
    the worst) of the load's requests started in [start, end)."""
    values = []
    with open(latencies_file) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 4:
                continue
            t, latency = float(parts[0]), float(parts[1])
            if start <= t < end:
                values.append((latency, parts[3]))
    if not values:
        return 0.0, 0, 0, 0.0, []
    values.sort()
    slow = [n for v, n in values if v > 0.010] or [values[-1][1]]
    return (values[-1][0], len(values), sum(1 for v, _ in values if v > 0.010),
            values[min(len(values) - 1, int(len(values) * 0.999))][0], slow)

def gateway_times(numbers):
    """The gateway's own view of the load's requests `numbers`, from its access log: the worst
    request_time (head read → response written, millisecond resolution) and upstream_time among
    them. A request slow at the client but not in the gateway waited outside it (client, upstream,
    kernel, scheduler)."""
    wanted = {f"?n={n} " for n in numbers}
    request, upstream = 0.0, 0.0
    with open(access_log_file, encoding="utf-8", errors="replace") as f:
        for line in f:
            start = line.find("?n=")
            if start < 0 or line[start:line.find(" ", start) + 1] not in wanted:
                continue
            for field in line.split():
                if field.startswith("request_time="):
                    request = max(request, float(field.split("=", 1)[1]))
                elif field.startswith("upstream_time=") and field[14:] != "-":
                    upstream = max(upstream, float(field.split("=", 1)[1]))
    return request, upstream

ms = lambda s: f"{s * 1000:.1f} ms"
mib = lambda k: f"{k / 1024:.0f} MiB"
print(f"## {label}")
print(f"ready {ready_seconds:.1f} s after start, RSS once ready {mib(ready_rss)}")
c = http.client.HTTPConnection("127.0.0.1", gate_port, timeout=10)

def cpu_seconds():
    """The gateway's CPU time so far, user and system, all threads (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

cpu_mark = (time.monotonic(), cpu_seconds())
time.sleep(10)
# Only timestamps are taken during the rounds; the files (the client's latencies, the access log)
# are read after the last one, so that reading them competes with no round's requests.
rounds_seen = []
for round_ in range(1, rounds + 1):
    steady_cpu = (cpu_seconds() - cpu_mark[1]) / max(time.monotonic() - cpu_mark[0], 0.001)
    before = reloaded_lines()
    steady_end = time.monotonic()
    rss_before = rss_kib()
    terminated = time.monotonic()
    cpu_at_termination = cpu_seconds()
    sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'freezegate-listener'")
    # The full load's query is running: commit the change now.
    deadline = time.monotonic() + 60
    # (one query in older builds; DECLARE and FETCHes of a cursor, in a transaction, in newer ones)
    while "snapshot" not in sql("SELECT coalesce(string_agg(query, ' '), '') FROM pg_stat_activity "
                                "WHERE state IN ('active', 'idle in transaction') AND application_name LIKE 'freezegate%' "
                                "AND (query LIKE '%snapshot_tenants($1::timestamptz)%' OR query LIKE 'FETCH%')"):
        if time.monotonic() > deadline:
            sys.exit("the resync's query did not show up within 60 s")
        time.sleep(0.005)
    sql("SELECT freezegate.force_freeze('acme', now(), now() + interval '31 days', 'bench')")
    committed = time.monotonic()
    while acme_status(c) != 403:
        if time.monotonic() - committed > 120:
            sys.exit("the change committed during the resync took no effect within 120 s")
    effective = time.monotonic()
    while reloaded_lines() == before:
        if time.monotonic() - terminated > 300:
            sys.exit("no resync within 300 s")
        time.sleep(0.01)
    reloaded = time.monotonic()
    resync_cpu = cpu_seconds() - cpu_at_termination
    time.sleep(1)
    reverted = acme_status(c) != 403
    rounds_seen.append((round_, steady_cpu, steady_end, rss_before, terminated, reloaded, resync_cpu, committed,
                        effective, reverted))
    sql("SELECT freezegate.unfreeze('acme')")
    while acme_status(c) == 403:
        time.sleep(0.01)
    cpu_mark = (time.monotonic(), cpu_seconds())
    time.sleep(10)

for (round_, steady_cpu, steady_end, rss_before, terminated, reloaded, resync_cpu, committed, effective,
     reverted) in rounds_seen:
    steady_worst, steady_count, steady_over, steady_p999, _ = latencies(steady_end - 10, steady_end)
    steady_wait, steady_wait3 = loop_wait(steady_end - 10, steady_end)
    worst, count, over, p999, slow = latencies(terminated, reloaded + 1)
    in_gateway, in_upstream = gateway_times(slow)
    wait, wait3 = loop_wait(terminated, reloaded + 1)
    peak = max((k for t, k in samples if terminated <= t <= reloaded + 1), default=0)
    print(f"round {round_}: resync {reloaded - terminated:.2f} s (termination → reloaded), "
          f"gateway CPU {resync_cpu:.2f} s in it (before: {steady_cpu:.3f} s per s); "
          f"worst request {ms(worst)} over {count} requests (10 s before: {ms(steady_worst)} over {steady_count}); "
          f"p99.9 {ms(p999)} (before: {ms(steady_p999)}); over 10 ms: {over} = {over * 10000 / max(count, 1):.1f} per 10,000 "
          f"(before: {steady_over} = {steady_over * 10000 / max(steady_count, 1):.1f} per 10,000); "
          f"of {'those over 10 ms' if over else 'the worst'}, the gateway's access log shows at most request_time {ms(in_gateway)}, "
          f"upstream_time {ms(in_upstream)}; "
          f"event loops waited for a CPU at most {ms(wait)} per 10 ms sample, {ms(wait3)} per 3 samples "
          f"(before: {ms(steady_wait)}, {ms(steady_wait3)}); "
          f"change committed mid-resync effective after {ms(effective - committed)}"
          f" ({(reloaded - effective) * 1000:.0f} ms before the resync's end was logged), {'REVERTED' if reverted else 'kept'} after it; "
          f"RSS {mib(rss_before)} before, peak {mib(peak)} ({peak / max(rss_before, 1):.2f}x)")
PY

measure() { # measure LABEL BINARY
    local label=$1 binary=$2 gate_port admin_port gateway_pid client_pid started ready_at
    gate_port=$(free_port)
    admin_port=$(free_port)
    : >"$WORK/gateway.err"
    started=$(date +%s.%N)
    on_cpu "${GATEWAY_CPU:-}" "$binary" serve --database-url "$DATABASE_URL" --upstream "http://127.0.0.1:$CRM_PORT" \
        --listen "127.0.0.1:$gate_port" --admin-listen "127.0.0.1:$admin_port" --base-domain s20.online \
        --log-level notice >"$WORK/gateway.out" 2>"$WORK/gateway.err" &
    gateway_pid=$!
    PIDS+=("$gateway_pid")
    ready_at=""
    for _ in $(seq 1 3000); do # ≤ 300 s
        if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$admin_port/readyz" || true)" = 200 ]; then
            ready_at=$(date +%s.%N); break
        fi
        sleep 0.1
    done
    [ -n "$ready_at" ] || { echo "$label did not become ready within 300 s" >&2; exit 1; }
    local ready_rss
    ready_rss=$(awk '/VmRSS/ {print $2}' "/proc/$gateway_pid/status")
    rm -f "$WORK/stop"
    on_cpu "${OTHERS_CPU:-}" python3 "$WORK/client.py" "$gate_port" "$WORK/latencies" "$WORK/stop" "$TENANTS" "$RATE" &
    client_pid=$!
    PIDS+=("$client_pid")
    (on_cpu "${OTHERS_CPU:-}" timeout 1800 python3 "$WORK/measure.py" "$label" "$gate_port" "$gateway_pid" "$ROUNDS" "$WORK/latencies" \
        "$WORK/gateway.err" "$(echo "$ready_at - $started" | bc)" "$ready_rss" "$WORK/gateway.out")
    touch "$WORK/stop"
    wait "$client_pid" || true
    kill -TERM "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
    echo "   requests answered: $(wc -l <"$WORK/latencies"), of which not 200: $(awk '$3 != 200' "$WORK/latencies" | wc -l)"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ "$RATE" = 0 ]; then echo "load: back to back over one connection" >&2; else echo "load: $RATE requests/s on a schedule over one connection" >&2; fi
case "$PIN" in
    1) echo "pinned: the gateway on CPU 0; PostgreSQL, the upstream and the clients on CPU 1" >&2 ;;
    db) echo "pinned: PostgreSQL on CPU 1; the gateway, the upstream and the clients on CPU 0" >&2 ;;
    host) echo "pinned: the gateway on CPU 0; the upstream and the clients on CPU 1, PostgreSQL there at idle priority" >&2 ;;
esac
if [ -n "${BIN_LABEL:-}" ]; then label=$BIN_LABEL; else label="this build ($(git -C "$REPO" rev-parse --short HEAD))"; fi
measure "$label" "$FREEZEGATE"
[ -n "$BASELINE" ] && measure "baseline ($BASELINE)" "$BASELINE"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"\
    "load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
