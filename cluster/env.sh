# Sourced by cluster/build.sh, cluster/up.sh, cluster/down.sh, cluster/test.sh and cluster/ci.sh:
# where the control plane's binaries and its running state live. The binary cache is outside the
# repository and keyed by everything that decides what is built (cluster/versions.json, this
# build script, the Go version), so a change to any of them builds afresh and clones share it.
cluster_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Go's standard install location, for shells (CI's) whose PATH does not name it.
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
  PATH=/usr/local/go/bin:$PATH
  export PATH
fi
CLUSTER_CACHE_ROOT=${RELAY_BUDGET_CLUSTER_CACHE:-$HOME/.cache/relay-budget/cluster}
cluster_key=$( {
  cat "$cluster_root/versions.json" "$cluster_root/build.sh"
  go env GOVERSION 2>/dev/null || echo no-go
} | sha256sum | cut -c1-16)
CLUSTER_DIR="$CLUSTER_CACHE_ROOT/$cluster_key"
# The running control plane's certificates, data, logs and pids: one per machine user, outside
# the repository (cluster:up writes it, cluster:down removes it).
CLUSTER_RUN_DIR=${RELAY_BUDGET_CLUSTER_RUN:-$HOME/.cache/relay-budget/cluster-run}
export CLUSTER_CACHE_ROOT CLUSTER_DIR CLUSTER_RUN_DIR
