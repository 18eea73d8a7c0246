#!/bin/sh
# Renders the blocked page (ru and en, frozen and expired) with headless Chromium into docs/*.png,
# to see that it looks right in a real browser. Needs Debian's `chromium` package.
# Usage: scripts/render-blocked-pages.sh [--config PROFILE]   (pass a profile to preview its template)
set -eu
cd "$(dirname "$0")/.."
swift build --product freezegate >/dev/null
freezegate=.build/debug/freezegate
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "chromium not found (apt-get install chromium)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for state in frozen expired; do
    for lang in ru en; do
        html="$work/$state-$lang.html"
        "$freezegate" classify "$@" --page "$state" --header "Accept-Language: $lang" \
            --at 2027-07-02T00:00:00Z GET http://acme.s20.online/company/1/users > "$html"
        "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,640 \
            --screenshot="$PWD/docs/blocked-page-$state-$lang.png" "file://$html" 2>/dev/null
        echo "docs/blocked-page-$state-$lang.png"
    done
done
