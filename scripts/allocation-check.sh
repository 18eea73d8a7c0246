#!/usr/bin/env bash
# Counts the heap allocations of the hot path with the allocation benchmarks of Benchmarks/
# (ordo-one/benchmark, built in release mode) and compares each count with the one recorded in
# Benchmarks/Thresholds/. A count that grew fails (an allocation more per gate decision is a
# regression someone must explain); one that shrank fails too, until it is recorded, so that the
# recorded counts stay the ones the code has. Counts, not times: they are the same on every machine.
#
#   scripts/allocation-check.sh            # check (CI)
#   scripts/allocation-check.sh update     # record the current counts in Benchmarks/Thresholds/
#
# The first run builds the benchmark framework and the benchmarked modules in release mode
# (a few minutes on two cores); later runs reuse Benchmarks/.build.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
case "${1:-check}" in
    update)
        swift package --disable-sandbox --allow-writing-to-package-directory benchmark thresholds update --no-progress
        ;;
    check)
        log=$(mktemp)
        trap 'rm -f "$log"' EXIT
        status=0
        swift package --disable-sandbox benchmark thresholds check --no-progress 2>&1 | tee "$log" || status=$?
        if [ "$status" != 0 ]; then
            if grep -q "BETTER than the defined thresholds" "$log" && ! grep -q "WORSE than the defined thresholds" "$log"; then
                echo "error: fewer allocations than recorded; record them: scripts/allocation-check.sh update, and commit Benchmarks/Thresholds/" >&2
            else
                echo "error: allocation counts differ from Benchmarks/Thresholds/ (table above)" >&2
            fi
            exit 1
        fi
        ;;
    *)
        echo "usage: scripts/allocation-check.sh [check|update]" >&2
        exit 2
        ;;
esac
