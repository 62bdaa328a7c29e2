#!/usr/bin/env bash
# npm run test:cluster [-- --negative]: builds the control plane when its cache is cold
# (cluster/build.sh), starts it (cluster/up.sh), runs the checks (cluster/realCluster.ts) and
# stops it again, whatever the checks said. Last line: `real cluster: N checks passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash cluster/build.sh
# shellcheck source=cluster/env.sh
source cluster/env.sh
# The engine's folder (ENGINE_DIR) for the pulumi up checks; they are skipped, saying so, when it is cold.
# shellcheck source=engine/env.sh
source engine/env.sh
npm run -s build
bash cluster/up.sh
trap 'bash cluster/down.sh >/dev/null' EXIT
node dist/cluster/realCluster.js "$@"
