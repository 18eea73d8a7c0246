#!/usr/bin/env bash
# Runs the whole test suite: the psql scenario suite of sql/ and then `swift test`.
# Needs the PostgreSQL server binaries and libpq-dev (the tests start their own throwaway clusters,
# as the postgres user when run as root). Exits with the status of the first failing part.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== sql/tests (psql scenarios against a throwaway cluster)"
bash sql/tests/run.sh

echo "== swift build --build-tests"
swift build --build-tests

echo "== swift test"
exec swift test --skip-build "$@"
