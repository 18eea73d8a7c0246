#!/usr/bin/env bash
# Runs the whole test suite: the psql scenario suite of sql/ and then `swift test`.
# Needs the PostgreSQL server binaries and libpq-dev (the tests start their own throwaway clusters,
# as the postgres user when run as root). Exits with the status of the first failing part.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== sql/tests (psql scenarios against a throwaway cluster)"
bash sql/tests/run.sh

echo "== swift format lint --strict (the root .swift-format)"
swift format lint --strict -r Sources Tests Package.swift Benchmarks/Package.swift Benchmarks/Benchmarks

# A warning in the product's own sources or tests fails the run (those of dependencies do not).
# An incremental build reports only the files it compiles again; a fresh clone compiles them all.
# A module that imports a target it does not declare as a dependency fails the build: the walls
# between modules (Package.swift) are the ones the code keeps.
echo "== swift build --build-tests (imports checked against declared dependencies)"
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
swift build --build-tests --explicit-target-dependency-import-check error 2>&1 | tee "$build_log"
if grep -E "^$PWD/(Sources|Tests|Package\.swift)[^:]*:[0-9]+:[0-9]+: warning:" "$build_log" | sort -u | grep .; then
    echo "error: the compiler warned about the lines above; fix them" >&2
    exit 1
fi
rm -f "$build_log"
trap - EXIT

# The deployment kit (deploy/) is checked by Swift tests that run the real tools: promtool,
# systemd-analyze, kubernetes-validate (in .build/tools/venv) and kubectl's kustomize. Each is
# skipped with a message when its tool is missing, unless FREEZEGATE_REQUIRE_DEPLOY_TOOLS=1 (.ci/run
# installs them and sets it).
echo "== deployment tools: $(for tool in promtool systemd-analyze kubectl; do
    command -v "$tool" >/dev/null && printf '%s ' "$tool" || printf '(no %s) ' "$tool"
done)$([ -x .build/tools/venv/bin/kubernetes-validate ] && echo kubernetes-validate || echo '(no kubernetes-validate)')"

# The suites run in parallel on every core. The full resyncs at 150,000 tenants decode and compare
# their snapshots for about 25 s of CPU in a debug build, on the test process's cooperative threads
# (as many as cores): beside them, tests with deadlines of their own (a client's 10 s to send its
# head, a failover's 2 s) were starved into failing on a two-core machine. They run first, alone;
# then everything else. Arguments (e.g. --filter) run `swift test` once, as given.
heavy_suites='TenantStateSyncResyncTests'
if [ $# -gt 0 ]; then
    echo "== swift test $*"
    exec swift test --skip-build "$@"
fi
echo "== swift test: the full resyncs at scale, alone"
swift test --skip-build --filter "$heavy_suites"
echo "== swift test: everything else"
exec swift test --skip-build --skip "$heavy_suites"
