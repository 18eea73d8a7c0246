#!/usr/bin/env bash
# Renders every variant of the blocked page -- admin and teacher, frozen and expired, Russian and
# English -- at desktop (1280 px) and phone (390 px) widths into
# docs/blocked-page-<audience>-<state>-<lang>-<width>.png, the way a school's browser gets it: a
# running gateway (a throwaway PostgreSQL with a frozen and an expired tenant) and headless
# Chromium. The language is passed explicitly (--accept-lang and the header), since headless
# Chromium otherwise sends Accept-Language: en-US. Needs Debian's `chromium` and `postgresql`.
# Usage: scripts/render-blocked-pages.sh [--config PROFILE]   (a profile's template and operator
# branding instead of the example below)
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "render-blocked-pages.sh: $*" >&2; exit 1; }
as_postgres() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

profile=""
if [[ $# -gt 0 ]]; then
    [[ $# == 2 && "$1" == --config ]] || die "usage: scripts/render-blocked-pages.sh [--config PROFILE]"
    profile=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
fi

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n "$browser" ]] || die "chromium not found (apt-get install chromium)"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r | head -n1)
[[ -x "$pg_bin/initdb" ]] || die "PostgreSQL server binaries not found (apt-get install postgresql)"

swift build --product freezegate >/dev/null
freezegate="$PWD/.build/debug/freezegate"

work=$(mktemp -d)
gateway_pid=""
cleanup() {
    [[ -n "$gateway_pid" ]] && kill -TERM "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null
    as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
# The cluster runs as postgres, which must reach the folder.
chmod 755 "$work"
mkdir "$work/pg"
[[ "$(id -u)" == 0 ]] && chown postgres:postgres "$work/pg"

pg_port=$(free_port)
as_postgres "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C >"$work/initdb.log" 2>&1 \
    || die "initdb failed: $(cat "$work/initdb.log")"
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 60 \
    -o "-k $work/pg -p $pg_port -c listen_addresses=''" start >/dev/null || die "PostgreSQL did not start"
"$pg_bin/createdb" -h "$work/pg" -p "$pg_port" -U postgres freezegate
export DATABASE_URL="postgresql:///freezegate?host=$work/pg&port=$pg_port&user=postgres"
"$freezegate" migrate >"$work/migrate.log" 2>&1 || die "migrate failed: $(cat "$work/migrate.log")"

# Both tenants keep Moscow time; their dates fall on Moscow midnights (21:00 UTC the day before),
# so the page names whole days: frozen until a day 60 days on inclusive, expired 10 days ago.
moscow_midnight() { date -u -d "$1" +%Y-%m-%dT21:00:00Z; }
"$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -d "$DATABASE_URL" >/dev/null <<SQL
SELECT freezegate.create_tenant('school', 'director@school.example', '$(moscow_midnight '+200 days')');
SELECT freezegate.force_freeze('school', now(), '$(moscow_midnight '+60 days')', 'closed until the autumn');
SELECT freezegate.set_time_zone('school', 'Europe/Moscow');
SELECT freezegate.create_tenant('lapsed', 'director@lapsed.example', '$(moscow_midnight '-10 days')', now() - interval '1 year');
SELECT freezegate.set_time_zone('lapsed', 'Europe/Moscow');
SQL

if [[ -z "$profile" ]]; then
    profile="$work/profile.yaml"
    cat >"$profile" <<'YAML'
time_zone: Europe/Moscow
operator:
  name: "Школьная CRM"
  support_email: help@crm.example
  support_phone: "+7 800 555-35-35"
  support_url: https://crm.example/support
YAML
fi

port=$(free_port)
admin_port=$(free_port)
# The upstream is never reached: the page is the gateway's own answer.
"$freezegate" serve --config "$profile" --upstream http://127.0.0.1:9 --listen "127.0.0.1:$port" \
    --admin-listen "127.0.0.1:$admin_port" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "http://127.0.0.1:$admin_port/readyz" 2>/dev/null && break
    kill -0 "$gateway_pid" 2>/dev/null || die "the gateway stopped: $(cat "$work/gateway.log")"
    sleep 0.2
done

rm -f docs/blocked-page-{frozen,expired}-{ru,en}.png
for audience in admin teacher; do
    path=/company/1/users
    [[ "$audience" == teacher ]] && path=/teacher/lessons
    for state in frozen expired; do
        host=school.s20.online
        [[ "$state" == expired ]] && host=lapsed.s20.online
        for lang in ru en; do
            # The page must be in the language asked for: headless Chromium's own default would
            # give an English page for every run.
            "$browser" --headless --no-sandbox --disable-gpu --lang="$lang" --accept-lang="$lang" \
                --host-resolver-rules="MAP $host 127.0.0.1" --dump-dom "http://$host:$port$path" \
                >"$work/page.html" 2>"$work/chromium.log" || die "chromium failed: $(tail -n 5 "$work/chromium.log")"
            grep -q "<html lang=\"$lang\">" "$work/page.html" || die "$audience $state: Chromium got no $lang page"
            for width in 1280 390; do
                height=800
                [[ "$width" == 390 ]] && height=844
                out="docs/blocked-page-$audience-$state-$lang-$width.png"
                "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
                    --window-size="$width,$height" --lang="$lang" --accept-lang="$lang" \
                    --host-resolver-rules="MAP $host 127.0.0.1" \
                    --screenshot="$PWD/$out" "http://$host:$port$path" 2>"$work/chromium.log" \
                    || die "chromium failed: $(tail -n 5 "$work/chromium.log")"
                echo "$out"
            done
        done
    done
done
