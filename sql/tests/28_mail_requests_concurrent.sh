#!/usr/bin/env bash
# The same message delivered twice at the same moment (two MTA deliveries, two intakes): one row,
# one freeze; the second delivery waits for the first and returns its row as replayed.
# Run by run.sh with PGHOST/PGPORT/PGUSER/PGDATABASE set to a freshly migrated database.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

q -c "SELECT freezegate.create_tenant('acme', 'director@acme.example', '2032-01-01Z', '2031-01-01Z')"

call="SELECT outcome, replayed FROM freezegate.record_mail_request('<same@acme.example>', 'director@acme.example', true,
      '{acme}', '2031-03-01', '2031-03-31', '{}', true, 'race test', 'UTC', '2031-01-01Z')"

# 1. Delivery A records the message and keeps its transaction open; delivery B waits on the
#    Message-ID's unique index and, once A commits, gets A's row back (replayed), no second freeze.
q >"$work/a.out" 2>&1 <<SQL &
BEGIN;
$call;
SELECT pg_sleep(2) AS holding_message_id;
COMMIT;
SQL
a=$!
until [ "$(psql -X -tA -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%AS holding_message_id%' AND pid <> pg_backend_pid()")" = 1 ]; do
    kill -0 $a 2>/dev/null || { echo "A ended early"; cat "$work/a.out"; exit 1; }
    sleep 0.05
done
psql -X -tA -v ON_ERROR_STOP=1 -c "$call" >"$work/b.out" 2>&1 || { echo "B failed"; cat "$work/b.out"; exit 1; }
wait $a || { echo "A failed"; cat "$work/a.out"; exit 1; }
[ "$(cat "$work/b.out")" = "accepted|t" ] || { echo "B was not replayed:"; cat "$work/b.out"; exit 1; }

# 2. If A rolls back instead, B (waiting meanwhile) records the message itself.
call2=${call//same@/again@}
call2=${call2//2031-03-01/2031-05-01}
call2=${call2//2031-03-31/2031-05-31}
q >"$work/a2.out" 2>&1 <<SQL &
BEGIN;
$call2;
SELECT pg_sleep(2) AS holding_then_rollback;
ROLLBACK;
SQL
a=$!
until [ "$(psql -X -tA -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%AS holding_then_rollback%' AND pid <> pg_backend_pid()")" = 1 ]; do
    kill -0 $a 2>/dev/null || { echo "A ended early"; cat "$work/a2.out"; exit 1; }
    sleep 0.05
done
psql -X -tA -v ON_ERROR_STOP=1 -c "$call2" >"$work/b2.out" 2>&1 || { echo "B failed"; cat "$work/b2.out"; exit 1; }
wait $a || true
[ "$(cat "$work/b2.out")" = "accepted|f" ] || { echo "B did not record the message:"; cat "$work/b2.out"; exit 1; }

# 3. Ten deliveries of one new message at once: one row, one freeze.
call3=${call//same@/ten@}
call3=${call3//2031-03-01/2032-07-01}
call3=${call3//2031-03-31/2032-07-31}
for i in $(seq 1 10); do
    ( psql -X -tA -v ON_ERROR_STOP=1 -c "$call3" >"$work/c$i.out" 2>&1 || echo failed >>"$work/c$i.out" ) &
done
wait
[ "$(cat "$work"/c*.out | grep -c '^accepted|f$')" = 1 ] || { echo "not exactly one first delivery:"; cat "$work"/c*.out; exit 1; }
[ "$(cat "$work"/c*.out | grep -c '^accepted|t$')" = 9 ] || { echo "not nine replays:"; cat "$work"/c*.out; exit 1; }
[ "$(psql -X -tA -c "SELECT count(*) FROM freezegate.freeze_requests")" = 3 ] || { echo "expected three request rows"; exit 1; }
[ "$(psql -X -tA -c "SELECT count(*) FROM freezegate.freezes")" = 3 ] || { echo "expected three freezes"; exit 1; }
echo "concurrent deliveries: one row and one freeze per Message-ID"
