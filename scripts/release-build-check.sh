#!/usr/bin/env bash
# Builds the `freezegate` product as users run it (release) and fails on any compiler warning in
# this repository's sources: the optimizer's diagnostics appear only in this configuration, which
# the test build (debug) does not see. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== swift build -c release --product freezegate (warnings checked)"
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
swift build -c release --product freezegate 2>&1 | tee "$build_log"
if grep -E "^$PWD/(Sources|Package\.swift)[^:]*:[0-9]+:[0-9]+: warning:" "$build_log" | sort -u | grep .; then
    echo "error: the compiler warned about the lines above in the release build; fix them" >&2
    exit 1
fi
