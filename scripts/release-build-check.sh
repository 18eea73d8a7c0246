#!/usr/bin/env bash
# Builds the `freezegate` product as users run it (release) and fails on any compiler warning in
# this repository's sources: the optimizer's diagnostics appear only in this configuration, which
# the test build (debug) does not see. Run by .ci/run, before scripts/allocation-check.sh.
#
# The build goes to the allocation benchmarks' build directory (Benchmarks/.build, the same
# release configuration, this package as a path dependency whose warnings are shown): the
# modules both need (SwiftNIO, the Gate, the Proxy, …) are compiled once in release, not twice,
# and the benchmarks' own build then only adds the benchmark framework. The binary is
# Benchmarks/.build/release/freezegate; `swift build -c release` at the root builds the same.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

echo "== swift build -c release --product freezegate (warnings checked; in Benchmarks/.build)"
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
(cd Benchmarks && swift build -c release --product freezegate) 2>&1 | tee "$build_log"
if grep -E "^$root/(Sources|Package\.swift)[^:]*:[0-9]+:[0-9]+: warning:" "$build_log" | sort -u | grep .; then
    echo "error: the compiler warned about the lines above in the release build; fix them" >&2
    exit 1
fi
