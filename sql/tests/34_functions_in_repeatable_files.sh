#!/usr/bin/env bash
# Every function and view of schemas freezegate and freezegate_private is defined in a repeatable
# file (sql/R__*.sql), as
# many times as it is overloaded, so that changing one edits that file and `migrate` re-applies
# it; the numbered migrations only hold their first versions. A function created by a numbered
# migration and never moved to a repeatable file fails here.
# Run by run.sh with PGHOST/PGPORT/PGUSER/PGDATABASE set to a freshly migrated database.
set -euo pipefail
sql_dir=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
repeatables=("$sql_dir"/R__*.sql)
[ ${#repeatables[@]} -gt 0 ] || { echo "no repeatable files in $sql_dir"; exit 1; }
missing=0
while IFS='|' read -r kind schema name count; do
    if [ "$kind" = view ]; then
        pattern="CREATE OR REPLACE VIEW $schema\\.$name AS"
    else
        pattern="CREATE OR REPLACE FUNCTION $schema\\.$name\\("
    fi
    found=$(cat "${repeatables[@]}" | grep -cE "^$pattern" || true)
    if [ "$found" != "$count" ]; then
        echo "$schema.$name ($kind): $count in the database, $found definitions in sql/R__*.sql"
        missing=$((missing + 1))
    fi
done < <(psql -X -tA -F'|' -c "
    SELECT 'function', pronamespace::regnamespace::text, proname, count(*) FROM pg_catalog.pg_proc
    WHERE pronamespace IN ('freezegate'::regnamespace, 'freezegate_private'::regnamespace)
    GROUP BY pronamespace, proname
    UNION ALL
    SELECT 'view', schemaname, viewname, 1 FROM pg_catalog.pg_views
    WHERE schemaname IN ('freezegate', 'freezegate_private')
    ORDER BY 2, 3")
checked=$(psql -X -tA -c "SELECT count(*) FROM pg_catalog.pg_proc
    WHERE pronamespace IN ('freezegate'::regnamespace, 'freezegate_private'::regnamespace)")
echo "$checked functions checked"
[ "$checked" -ge 30 ] || { echo "too few functions: is the schema migrated?"; exit 1; }
[ $missing = 0 ]
