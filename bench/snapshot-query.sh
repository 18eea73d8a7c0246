#!/usr/bin/env bash
# Times the gateway's full snapshot query, freezegate.snapshot_tenants(at), on 100,000 tenants with
# two freezes each (and a custom domain for every fourth tenant), plus the by-keys variant.
#
#   bench/snapshot-query.sh [TENANTS] [RUNS]        defaults: 100000 7
#
# Starts a throwaway PostgreSQL cluster (as user postgres when run as root) on a Unix socket in a
# temporary directory, migrates it by applying sql/[0-9]*.sql with psql in order, then sql/R__*.sql
# (each file in one transaction, like `freezegate migrate`, which had no command-line entry yet when
# this was written; schema freezegate is created first in case sql/0001 is missing), seeds with generate_series, runs the query RUNS times from psql fetching
# every row (\timing, output to /dev/null), prints every time and the median, plus one EXPLAIN
# ANALYZE, then removes the cluster. PG_BIN overrides /usr/lib/postgresql/15/bin.
set -euo pipefail

tenants=${1:-100000}
runs=${2:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
port=$((20000 + RANDOM % 20000))

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cluster=$(mktemp -d /tmp/fg-bench.XXXXXX)
chmod 755 "$cluster"
[ "$(id -u)" = 0 ] && chown postgres "$cluster"
cleanup() {
    as_pg "$pg_bin/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
}
trap cleanup EXIT
as_pg "$pg_bin/initdb" -D "$cluster/data" -A trust -U postgres >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$cluster/data" -o "-k $cluster -p $port -c listen_addresses=''" -l "$cluster/log" -w start >/dev/null
export PGHOST=$cluster PGPORT=$port PGUSER=postgres PGDATABASE=bench
psql_cmd=(psql -X -q -v ON_ERROR_STOP=1)

"${psql_cmd[@]}" -d postgres -c 'CREATE DATABASE bench'
PGOPTIONS="-c client_min_messages=warning" "${psql_cmd[@]}" -c 'CREATE SCHEMA IF NOT EXISTS freezegate'
for f in "$root"/sql/[0-9][0-9][0-9][0-9]_*.sql "$root"/sql/R__*.sql; do
    [ -e "$f" ] || continue
    PGOPTIONS="-c client_min_messages=warning" "${psql_cmd[@]}" -1 -f "$f" >/dev/null
done

echo "seeding $tenants tenants, $((tenants * 2)) freezes, $((tenants / 4)) domains ..."
seed_start=$(date +%s)
# Triggers (audit/NOTIFY, foreign keys) are skipped while seeding; the exclusion constraint and the
# indexes are maintained as usual.
"${psql_cmd[@]}" <<SQL
SET session_replication_role = replica;
INSERT INTO freezegate.tenants (key, owner_email, paid_from, paid_until, created_at)
SELECT 't' || i, 'owner' || i || '@school' || i || '.example', NULL,
       timestamptz '2031-06-01Z' + (i % 365) * interval '1 day', timestamptz '2030-01-01Z'
FROM generate_series(1, $tenants) AS i;
INSERT INTO freezegate.domains (domain, tenant)
SELECT 'crm.school' || i || '.example', 't' || i FROM generate_series(1, $tenants, 4) AS i;
-- one freeze running at the snapshot instant (2031-01-15) for half the tenants, one to come for all
INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, credited)
SELECT 't' || i, timestamptz '2031-01-01Z' + (i % 20) * interval '1 day',
       timestamptz '2031-01-01Z' + (i % 20) * interval '1 day' + interval '30 days',
       'owner' || i || '@school' || i || '.example', interval '30 days'
FROM generate_series(1, $tenants) AS i;
INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, credited)
SELECT 't' || i, timestamptz '2031-07-01Z' + (i % 30) * interval '1 day',
       timestamptz '2031-07-01Z' + (i % 30) * interval '1 day' + interval '45 days',
       'owner' || i || '@school' || i || '.example', interval '45 days'
FROM generate_series(1, $tenants) AS i;
SET session_replication_role = origin;
VACUUM ANALYZE;
SQL
echo "seeded in $(( $(date +%s) - seed_start )) s"

run_timed() { # label sql
    local label=$1 sql=$2 times
    times=$(
        {
            echo '\timing on'
            echo '\o /dev/null'
            for _ in $(seq 1 "$runs"); do echo "$sql"; done
        } | psql -X -v ON_ERROR_STOP=1 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
    )
    local median
    median=$(printf '%s\n' $times | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$label: runs (ms): $(echo $times | tr '\n' ' ')"
    echo "$label: median $median ms"
}

rows=$(psql -X -tA -c "SELECT count(*) FROM freezegate.snapshot_tenants(timestamptz '2031-01-15Z')")
echo "full snapshot returns $rows rows"
run_timed "full snapshot_tenants(at), all rows fetched by psql" \
    "SELECT * FROM freezegate.snapshot_tenants(timestamptz '2031-01-15Z');"
run_timed "snapshot_tenants(keys, at), 100 keys" \
    "SELECT * FROM freezegate.snapshot_tenants((SELECT array_agg('t' || i) FROM generate_series(1, $tenants, $((tenants / 100 > 0 ? tenants / 100 : 1))) AS i), timestamptz '2031-01-15Z');"
run_timed "snapshot_tenants(keys, at), 1 key" \
    "SELECT * FROM freezegate.snapshot_tenants(ARRAY['t42'], timestamptz '2031-01-15Z');"
echo "EXPLAIN ANALYZE of the full snapshot:"
psql -X -c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) SELECT * FROM freezegate.snapshot_tenants(timestamptz '2031-01-15Z')" | sed 's/^/  /'
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(psql -X -tA -c 'SHOW server_version')"
