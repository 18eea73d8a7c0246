#!/usr/bin/env bash
# Two sessions request overlapping freezes of one tenant at the same moment: exactly one succeeds.
# Run by run.sh with PGHOST/PGPORT/PGUSER/PGDATABASE set to a freshly migrated database.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$@"; }

q -c "SELECT freezegate.create_tenant('race', 'o@race.example', '2033-01-01Z', '2031-01-01Z')"

# 1. Session A requests a freeze and keeps its transaction open (holding the tenant's row lock);
#    session B's overlapping request waits for the lock and, once A commits, is refused by rule 6
#    (FG006, not the exclusion constraint's 23P01: B judged the request after A's freeze existed).
q >"$work/a.out" 2>&1 <<'SQL' &
\set VERBOSITY verbose
BEGIN;
SELECT freezegate.request_freeze('race', '2031-03-01Z', '2031-04-01Z', 'o@race.example', false, '2031-01-01Z');
SELECT pg_sleep(2) AS holding_lock_of_race;
COMMIT;
SQL
a=$!
until [ "$(psql -X -tA -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%AS holding_lock_of_race%' AND pid <> pg_backend_pid()")" = 1 ]; do sleep 0.05; done
if q -c "SELECT freezegate.request_freeze('race', '2031-03-15Z', '2031-04-15Z', 'o@race.example', false, '2031-01-01Z')" >"$work/b.out" 2>&1; then
    echo "B succeeded although it overlaps A"; cat "$work/b.out"; exit 1
fi
wait $a || { echo "A failed"; cat "$work/a.out"; exit 1; }
grep -q 'ERROR:  FG006' "$work/b.out" || { echo "B did not fail with FG006:"; cat "$work/b.out"; exit 1; }
[ "$(psql -X -tA -c "SELECT count(*) FROM freezegate.freezes WHERE tenant = 'race'")" = 1 ] || { echo "expected one freeze"; exit 1; }

# 2. If A rolls back instead, B (waiting meanwhile) succeeds.
q >"$work/a2.out" 2>&1 <<'SQL' &
BEGIN;
SELECT freezegate.request_freeze('race', '2031-06-01Z', '2031-07-01Z', 'o@race.example', false, '2031-01-01Z');
SELECT pg_sleep(2) AS holding_lock_then_rollback;
ROLLBACK;
SQL
a=$!
until [ "$(psql -X -tA -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%AS holding_lock_then_rollback%' AND pid <> pg_backend_pid()")" = 1 ]; do sleep 0.05; done
q -c "SELECT freezegate.request_freeze('race', '2031-06-10Z', '2031-07-10Z', 'o@race.example', false, '2031-01-01Z')" >"$work/b2.out" 2>&1 \
    || { echo "B failed after A rolled back"; cat "$work/b2.out"; exit 1; }
wait $a

# 3. Ten sessions started together, all for the same window: exactly one succeeds, the others get FG006.
for i in $(seq 1 10); do
    ( q -c "SELECT freezegate.request_freeze('race', '2032-09-01Z', '2032-10-01Z', 'o@race.example', false, '2031-01-01Z')" >"$work/c$i.out" 2>&1 \
        && echo ok >"$work/c$i.rc" || echo failed >"$work/c$i.rc" ) &
done
wait
succeeded=$(cat "$work"/c*.rc | grep -c '^ok$' || true)
refused=$(grep -l 'ERROR:  FG006' "$work"/c*.out | wc -l)
[ "$succeeded" = 1 ] && [ "$refused" = 9 ] || { echo "expected 1 success and 9 FG006, got $succeeded and $refused"; cat "$work"/c*.out; exit 1; }
[ "$(psql -X -tA -c "SELECT count(*) FROM freezegate.freezes WHERE tenant = 'race' AND starts_at = '2032-09-01Z'")" = 1 ]
echo "race: ok"
