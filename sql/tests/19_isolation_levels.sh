#!/usr/bin/env bash
# Two sessions request freezes of one tenant that are fine alone but together exceed rule 3's 90
# days in 2031 (50 + 50 days, after paid_until, so neither changes paid_until). Whatever the
# isolation level, one succeeds and the other gets a rule error or a serialization failure
# (40001) and changes nothing.
# Run by run.sh with PGHOST/PGPORT/PGUSER/PGDATABASE set to a freshly migrated database.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$@"; }
n=0

race() { # isolation level, expected SQLSTATE of the second session
    local level=$1 expected=$2
    n=$((n + 1)); local tenant="race$n"
    q -c "SELECT freezegate.create_tenant('$tenant', 'o@race.example', '2031-01-20Z', '2031-01-01Z')" >/dev/null
    local before
    before=$(psql -X -tA -c "SELECT count(*) FROM freezegate.audit_log")
    # A holds its transaction open after its request; B's request waits for the tenant's row.
    q >"$work/a$n.out" 2>&1 <<SQL &
BEGIN ISOLATION LEVEL $level;
SELECT freezegate.request_freeze('$tenant', '2031-03-01Z', '2031-04-20Z', 'o@race.example', false, '2031-01-01Z');
SELECT pg_sleep(1.5) AS holding_lock_of_$tenant;
COMMIT;
SQL
    local a=$!
    until [ "$(psql -X -tA -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%AS holding_lock_of_$tenant;%' AND pid <> pg_backend_pid()")" = 1 ]; do sleep 0.05; done
    if q >"$work/b$n.out" 2>&1 <<SQL
BEGIN ISOLATION LEVEL $level;
SELECT 1;  -- B's snapshot is taken here, before A commits
SELECT freezegate.request_freeze('$tenant', '2031-06-01Z', '2031-07-21Z', 'o@race.example', false, '2031-01-01Z');
COMMIT;
SQL
    then
        echo "$level: B succeeded although A and B together freeze 100 days in 2031"; cat "$work/b$n.out"; exit 1
    fi
    wait $a || { echo "$level: A failed"; cat "$work/a$n.out"; exit 1; }
    grep -q "ERROR:  $expected" "$work/b$n.out" || { echo "$level: B did not fail with $expected:"; cat "$work/b$n.out"; exit 1; }
    [ "$(psql -X -tA -c "SELECT count(*) FROM freezegate.freezes WHERE tenant = '$tenant'")" = 1 ] \
        || { echo "$level: expected A's freeze only"; exit 1; }
    # A wrote its freeze, its credit (none) and nothing else; B wrote nothing.
    [ "$(psql -X -tA -c "SELECT count(*) FROM freezegate.audit_log")" = $((before + 1)) ] \
        || { echo "$level: expected one audit row (A's freeze)"; psql -X -c "SELECT id, operation, table_name, tenant FROM freezegate.audit_log ORDER BY id"; exit 1; }
    echo "$level: B got $expected"
}

race 'READ COMMITTED' FG003
race 'REPEATABLE READ' 40001
race 'SERIALIZABLE' 40001

# B's snapshot older than A's commit, without waiting: A commits first, then B (in REPEATABLE
# READ, snapshot taken before) requests.
q -c "SELECT freezegate.create_tenant('late', 'o@race.example', '2031-01-20Z', '2031-01-01Z')" >/dev/null
coproc B { psql -X -q -v ON_ERROR_STOP=0 -v VERBOSITY=verbose 2>&1; }
bpid=$B_PID
echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 'snapshot' AS taken;" >&"${B[1]}"
until read -r -t 5 line <&"${B[0]}" && [[ $line == *snapshot* ]]; do :; done
q -c "SELECT freezegate.request_freeze('late', '2031-03-01Z', '2031-04-20Z', 'o@race.example', false, '2031-01-01Z')" >/dev/null
echo "SELECT freezegate.request_freeze('late', '2031-06-01Z', '2031-07-21Z', 'o@race.example', false, '2031-01-01Z'); COMMIT;" >&"${B[1]}"
exec {B[1]}>&-
out=$(cat <&"${B[0]}")
wait "$bpid" || true
grep -q 'ERROR:  40001' <<<"$out" || { echo "stale snapshot: B did not fail with 40001:"; echo "$out"; exit 1; }
[ "$(psql -X -tA -c "SELECT count(*) FROM freezegate.freezes WHERE tenant = 'late'")" = 1 ] || { echo "stale snapshot: expected one freeze"; exit 1; }
echo "stale snapshot: B got 40001"

# A function call that changes nothing else is not audited for its lock: a refused call and an
# accepted freeze that keeps no paid time write no tenants row to the audit log.
[ "$(psql -X -tA -c "SELECT count(*) FROM freezegate.audit_log WHERE table_name = 'tenants' AND operation <> 'create_tenant'")" = 0 ] \
    || { echo "the lock's write was audited"; exit 1; }
echo "isolation levels: ok"
