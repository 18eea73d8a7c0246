#!/usr/bin/env bash
# Measures the live tenant state (Sources/TenantState) against a real PostgreSQL, at the cache level:
#   - initial load of TENANTS tenants (two freezes each, a custom domain for every fourth): time from
#     start to ready, the full load itself, resident memory;
#   - commit-to-effect latency over TOGGLES freeze/unfreeze toggles of one tenant (p50, p99, max),
#     from the commit's acknowledgement (and from sending the statement) until the snapshot read by the
#     request path shows the change;
#   - 1,000 tenants changed in one transaction: time until all 1,000 are visible, and the number of
#     batched queries it took;
#   - steady state: database transactions during 1,000,000 lookups with no changes.
#
#   bench/live-state.sh [TENANTS] [TOGGLES]        defaults: 100000 60
#
# Builds the `freezegate-bench-state` executable (bench/Sources/LiveStateBench) in release mode and runs
# it; it starts its own throwaway PostgreSQL cluster (TestSupport's PostgresTestCluster: initdb/pg_ctl,
# as user postgres when run as root, fsync off) and removes it afterwards. Figures: docs/LIVE-STATE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product freezegate-bench-state >&2
exec .build/release/freezegate-bench-state "${1:-100000}" "${2:-60}"
