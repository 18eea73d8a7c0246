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

# The deployment kit (deploy/) is checked by Swift tests that run the real tools: promtool,
# systemd-analyze, kubernetes-validate (in .build/tools/venv) and kubectl's kustomize. Each is
# skipped with a message when its tool is missing, unless FREEZEGATE_REQUIRE_DEPLOY_TOOLS=1 (.ci/run
# installs them and sets it).
echo "== deployment tools: $(for tool in promtool systemd-analyze kubectl; do
    command -v "$tool" >/dev/null && printf '%s ' "$tool" || printf '(no %s) ' "$tool"
done)$([ -x .build/tools/venv/bin/kubernetes-validate ] && echo kubernetes-validate || echo '(no kubernetes-validate)')"

echo "== swift test"
exec swift test --skip-build "$@"
