#!/usr/bin/env bash
# Loads the blocked page the way a school's browser does: headless Chromium over HTTPS and HTTP/2
# from a running gateway (a throwaway PostgreSQL with a frozen tenant, a self-signed certificate),
# saves docs/blocked-page-https.png and fails unless the access log says the page was served over
# HTTP/2.0. Needs Debian's `chromium`, `postgresql` and `openssl`.
# Usage: scripts/render-blocked-page-https.sh
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "render-blocked-page-https.sh: $*" >&2; exit 1; }
as_postgres() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

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
"$freezegate" tenant create school --owner-email director@school.example \
    --paid-until "$(date -u -d '+200 days' +%Y-%m-%dT00:00:00Z)" >/dev/null
"$freezegate" tenant freeze school --force --reason "closed until the summer" --from now \
    --until "$(date -u -d '+60 days' +%Y-%m-%dT00:00:00Z)" >/dev/null

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=*.s20.online" \
    -addext "subjectAltName=DNS:*.s20.online" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

port=$(free_port)
admin_port=$(free_port)
# The upstream is never reached: the page is the gateway's own answer.
"$freezegate" serve --upstream http://127.0.0.1:9 --tls-listen "127.0.0.1:$port" \
    --admin-listen "127.0.0.1:$admin_port" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" \
    --access-log "$work/access.log" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "http://127.0.0.1:$admin_port/readyz" 2>/dev/null && break
    kill -0 "$gateway_pid" 2>/dev/null || die "the gateway stopped: $(cat "$work/gateway.log")"
    sleep 0.2
done

url="https://school.s20.online:$port/company/1/users"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,640 --lang=en-US \
    --ignore-certificate-errors --host-resolver-rules="MAP school.s20.online 127.0.0.1" \
    --screenshot="$PWD/docs/blocked-page-https.png" "$url" 2>"$work/chromium.log" \
    || die "chromium failed: $(tail -n 5 "$work/chromium.log")"

# SIGTERM writes the buffered access-log lines before the gateway exits.
kill -TERM "$gateway_pid"
wait "$gateway_pid" || true
gateway_pid=""
line=$(grep -F '"GET /company/1/users ' "$work/access.log" || true)
echo "$line"
[[ "$line" == *'"GET /company/1/users HTTP/2.0" 403 '* ]] || die "the page was not served over HTTP/2 with 403"
echo "docs/blocked-page-https.png"
