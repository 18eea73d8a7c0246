#!/bin/sh
# Measures Gate.decide throughput (pure CPU, no I/O) in release mode and prints µs per decision.
# Usage: bench/gate-decide.sh
set -eu
cd "$(dirname "$0")/.."
FREEZEGATE_BENCH=1 swift test -c release --filter GateBenchmarkTests 2>&1 | grep -E '^BENCH|passed|failed'
