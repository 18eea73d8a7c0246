#!/usr/bin/env bash
# Runs the psql scenario suite of the SQL model (sql/tests/[0-9]*.sql and *.sh), each test in a
# fresh database migrated with the sql/[0-9]*.sql files, then sql/R__*.sql (applied with psql in order, each in one
# transaction, like `freezegate migrate`; schema freezegate is created first in case sql/0001 is
# missing).
#
#   sql/tests/run.sh [TEST-NAME-SUBSTRING...]
#
# Starts a throwaway PostgreSQL cluster (as user postgres when run as root) on a Unix socket in a
# temporary directory and removes it afterwards. Migrations and tests run as the ordinary role fg_app,
# owner of the test databases (and member of fg_ops and fg_nobody, roles with only the privileges granted to them,
# and of the group roles freezegate_gateway and freezegate_ops, created beforehand as sql/0010 asks of a
# migrating role without CREATEROLE). PG_BIN overrides /usr/lib/postgresql/15/bin.
# A test file may declare lines "-- expect-output: <extended regex>" that its psql output must match,
# and one line "-- create-database-with: <CREATE DATABASE options>" (e.g. TEMPLATE template0
# LOCALE 'C') for its database.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
sql_dir=$(dirname "$here")
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
port=${PG_TEST_PORT:-$((20000 + RANDOM % 20000))}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cluster=$(mktemp -d /tmp/fg-sqltests.XXXXXX)
chmod 755 "$cluster"
[ "$(id -u)" = 0 ] && chown postgres "$cluster"
cleanup() {
    as_pg "$pg_bin/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
}
trap cleanup EXIT
as_pg "$pg_bin/initdb" -D "$cluster/data" -A trust -U postgres >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$cluster/data" -o "-k $cluster -p $port -c listen_addresses=''" -l "$cluster/log" -w start >/dev/null

export PGHOST=$cluster PGPORT=$port PGUSER=postgres
psql_cmd=(psql -X -q -v ON_ERROR_STOP=1)
# Migrations and tests run as an ordinary role that owns its databases, not as a superuser.
# fg_app may not create roles: the group roles of 0010 are created here, as an administrator would.
"${psql_cmd[@]}" -d postgres -c 'CREATE ROLE fg_app LOGIN' -c 'CREATE ROLE fg_ops NOLOGIN' -c 'GRANT fg_ops TO fg_app' \
    -c 'CREATE ROLE fg_nobody NOLOGIN' -c 'GRANT fg_nobody TO fg_app' \
    -c 'CREATE ROLE freezegate_gateway NOLOGIN' -c 'CREATE ROLE freezegate_ops NOLOGIN' \
    -c 'GRANT freezegate_gateway, freezegate_ops TO fg_app' >/dev/null
export PGUSER=fg_app

migrate() { # database
    PGOPTIONS="-c client_min_messages=warning" "${psql_cmd[@]}" -d "$1" -c "CREATE SCHEMA IF NOT EXISTS freezegate" >/dev/null
    for f in "$sql_dir"/[0-9][0-9][0-9][0-9]_*.sql; do
        PGOPTIONS="-c client_min_messages=warning" "${psql_cmd[@]}" -d "$1" -1 -f "$f" >/dev/null
    done
    # Then the repeatable files, by name (none may exist).
    for f in "$sql_dir"/R__*.sql; do
        [ -e "$f" ] || continue
        PGOPTIONS="-c client_min_messages=warning" "${psql_cmd[@]}" -d "$1" -1 -f "$f" >/dev/null
    done
    "${psql_cmd[@]}" -d "$1" -f "$here/helpers.sql" >/dev/null
}

passed=0; failed=0; failures=()
n=0
for test in "$here"/[0-9]*.sql "$here"/[0-9]*.sh; do
    [ -e "$test" ] || continue
    name=$(basename "$test")
    if [ $# -gt 0 ]; then
        match=no; for want in "$@"; do [[ $name == *"$want"* ]] && match=yes; done
        [ $match = yes ] || continue
    fi
    n=$((n + 1)); db="t$n"
    options=$(sed -n 's/^-- create-database-with: //p' "$test" | head -1)
    "${psql_cmd[@]}" -U postgres -d postgres -c "CREATE DATABASE $db OWNER fg_app $options" >/dev/null
    migrate "$db"
    out="$cluster/$name.out"
    ok=yes
    case "$name" in
        *.sql) PGDATABASE=$db "${psql_cmd[@]}" -f "$test" >"$out" 2>&1 || ok=no ;;
        *.sh)  PGDATABASE=$db bash "$test" >"$out" 2>&1 || ok=no ;;
    esac
    if [ $ok = yes ]; then
        while IFS= read -r regex; do
            grep -Eq -- "$regex" "$out" || { echo "missing expected output: $regex" >>"$out"; ok=no; }
        done < <(sed -n 's/^-- expect-output: //p' "$test")
    fi
    if [ $ok = yes ]; then
        echo "ok    $name"; passed=$((passed + 1))
    else
        echo "FAIL  $name"; sed 's/^/      /' "$out"; failed=$((failed + 1)); failures+=("$name")
    fi
done
echo "$passed passed, $failed failed${failures:+: ${failures[*]}}"
[ $failed = 0 ]
