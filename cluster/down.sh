#!/usr/bin/env bash
# npm run cluster:down: stops the control plane started by cluster:up in reverse start order,
# waiting for each to exit (stopping etcd with the apiserver still up leaves the apiserver hanging),
# then removes its certificates, data and logs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cluster/env.sh
source "$here/env.sh"
run=$CLUSTER_RUN_DIR
if [ ! -f "$run/pids" ]; then
  echo "cluster: not running (no $run/pids)"
  exit 0
fi
tac "$run/pids" | while read -r name pid; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "cluster: $name ($pid) was not running"
    continue
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "cluster: $name ($pid) did not stop within 20 s: killed"
    kill -KILL "$pid" 2>/dev/null || true
  else
    echo "cluster: stopped $name"
  fi
done
rm -rf "$run"
