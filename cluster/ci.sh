#!/usr/bin/env bash
# CI's real-cluster step (.ci/run): the cold build of the control plane (cluster/build.sh, about
# an hour on 2 cores) is too long for every CI run, so CI runs `npm run test:cluster` when
# this machine's cluster cache is warm and says plainly that it skipped it otherwise.
# RELAY_BUDGET_BUILD_CLUSTER=1 builds it cold.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=cluster/env.sh
source cluster/env.sh
if [ -f "$CLUSTER_DIR/complete" ] || [ "${RELAY_BUDGET_BUILD_CLUSTER:-}" = 1 ]; then
  bash cluster/test.sh
elif ! command -v go >/dev/null; then
  echo "real-cluster test SKIPPED: Go is not installed here, so the control plane cannot be built (see README, 'The local control plane')"
else
  echo "real-cluster test SKIPPED: the cluster cache $CLUSTER_DIR is cold; run 'npm run cluster:build' once on this machine, or set RELAY_BUDGET_BUILD_CLUSTER=1 (see README, 'The local control plane')"
fi
