#!/usr/bin/env bash
# CI's real-engine step (.ci/run): the cold build of the engine (engine/build.sh) is too long to
# add to every CI run, so CI runs `npm run test:engine` when this machine's engine cache is warm
# and says plainly that it skipped it otherwise. RELAY_BUDGET_ENGINE_IN_CI=build builds it cold.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=engine/env.sh
source engine/env.sh
if [ -f "$ENGINE_DIR/complete" ] || [ "${RELAY_BUDGET_ENGINE_IN_CI:-}" = build ]; then
  bash engine/test.sh
elif ! command -v go >/dev/null; then
  echo "real-engine test SKIPPED: Go is not installed here, so the engine cannot be built (see README, 'The real-engine test')"
else
  echo "real-engine test SKIPPED: the engine cache $ENGINE_DIR is cold; run 'npm run engine:build' once on this machine (see README, 'The real-engine test')"
fi
