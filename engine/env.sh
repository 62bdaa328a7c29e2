# Sourced by engine/build.sh, engine/test.ts's caller and engine/ci.sh: where the engine's
# binaries live. The cache is outside the repository and keyed by everything that decides what
# is built (engine/versions.json, the shims' sources, this build script, the Go version), so a
# change to any of them builds afresh and two clones of the project share one cache.
engine_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Go's standard install location, for shells (CI's) whose PATH does not name it.
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
  PATH=/usr/local/go/bin:$PATH
  export PATH
fi
ENGINE_CACHE_ROOT=${RELAY_BUDGET_ENGINE_CACHE:-$HOME/.cache/relay-budget/engine}
engine_key=$( {
  cat "$engine_root/versions.json" "$engine_root/build.sh"
  find "$engine_root/shims" -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) | LC_ALL=C sort | xargs cat
  go env GOVERSION 2>/dev/null || echo no-go
} | sha256sum | cut -c1-16)
ENGINE_DIR="$ENGINE_CACHE_ROOT/$engine_key"
export ENGINE_CACHE_ROOT ENGINE_DIR
