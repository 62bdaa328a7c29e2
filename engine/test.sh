#!/usr/bin/env bash
# npm run test:engine: builds the engine when its cache is cold (engine/build.sh), then runs the
# real-engine checks (engine/realEngine.ts). Its last line: `real engine: N checks passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash engine/build.sh
# shellcheck source=engine/env.sh
source engine/env.sh
npm run -s build
node dist/engine/realEngine.js
