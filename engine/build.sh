#!/usr/bin/env bash
# npm run engine:build: builds the Pulumi CLI, the Node.js language host and the two resource
# plugins from Go modules into the engine cache (engine/env.sh), and installs the plugins there
# under the versions the npm SDKs ask for. Reuses a complete cache; prints each build's time.
# Versions: engine/versions.json (why each one, and what cannot be built here, is said there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=engine/env.sh
source "$here/env.sh"
versions="$here/versions.json"
v() { node -e 'const v=require(process.argv[1]); const p=process.argv[2].split("."); let x=v; for (const k of p) x=x[k]; if (x===undefined) { console.error(`engine/versions.json: ${process.argv[2]} is missing`); process.exit(2) } process.stdout.write(String(x))' "$versions" "$1"; }

if [ -f "$ENGINE_DIR/complete" ]; then
  echo "engine: cache is warm at $ENGINE_DIR (nothing to build)"
  exit 0
fi
command -v go >/dev/null || { echo "engine: go is not on PATH; the engine is built with Go $(v go)" >&2; exit 1; }

mkdir -p "$ENGINE_CACHE_ROOT"
# Everything is built into a scratch folder beside the cache entry and moved in whole at the end,
# so a failed or interrupted build never leaves a half-filled cache.
work=$(mktemp -d "$ENGINE_CACHE_ROOT/.build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
out="$work/engine"
mkdir -p "$out/bin" "$out/plugin-bin" "$out/pulumi-home"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
# Go's build cache beside the engine cache: a rebuild after a version or shim change recompiles
# only what changed (about 100 s here instead of the cold 51 minutes).
export GOCACHE="$ENGINE_CACHE_ROOT/.go-build"
jobs=${RELAY_BUDGET_ENGINE_JOBS:-2}
total_start=$(date +%s)

timed() {
  local name=$1 start
  shift
  start=$(date +%s)
  echo "engine: building $name ..."
  "$@"
  echo "engine: built $name in $(( $(date +%s) - start )) s"
}

build_cli() {
  local version mod
  version=$(v cli.version)
  mod="$work/cli"
  mkdir -p "$mod"
  # `go install pkg/v3/cmd/pulumi@version` is refused (pkg/go.mod has replace directives), so a
  # wrapper module requires pkg/v3 and sdk/v3 at one version and builds the command from it.
  cat > "$mod/go.mod" <<MOD
module relaybudget/engine/cli

go $(v go)

require (
	$(v cli.module) $version
	$(v cli.sdkModule) $version
)
MOD
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s/cmd/pulumi"\n' "$(v cli.module)" > "$mod/tools.go"
  (cd "$mod" && go mod tidy && go build -p "$jobs" \
    -ldflags "-X $(v cli.sdkModule)/go/common/version.Version=$version" \
    -o "$out/bin/pulumi" "$(v cli.module)/cmd/pulumi")
}

build_language_host() {
  (cd "$here/shims" && go build -p "$jobs" -ldflags "-X main.version=$(v cli.version | sed 's/^v//')" \
    -o "$out/bin/pulumi-language-nodejs" ./languagehost)
}

build_kubernetes() {
  local module version dir src
  module=$(v kubernetes.module)
  version=$(v kubernetes.version)
  dir=$(cd "$work" && go mod download -json "$module@$version" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s); if (j.Error) {console.error(j.Error); process.exit(1)} process.stdout.write(j.Dir)})')
  src="$work/kubernetes"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  # The module replaces its SDK with ../sdk (not part of the module): take the SDK module from
  # the proxy instead. main embeds generated schema files, so the generator runs first.
  (cd "$src" && go mod edit -dropreplace github.com/pulumi/pulumi-kubernetes/sdk/v4 \
      -require "github.com/pulumi/pulumi-kubernetes/sdk/v4@$(v kubernetes.sdkModuleVersion)" \
    && go mod tidy \
    && (cd cmd/pulumi-resource-kubernetes && VERSION="$(v kubernetes.pluginVersion)" go run generate.go) \
    && go build -p "$jobs" -ldflags "-X $module/pkg/version.Version=$(v kubernetes.pluginVersion)" \
      -o "$out/plugin-bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes)
}

build_gcp() {
  (cd "$here/shims" && go build -p "$jobs" -ldflags "-X main.version=$(v gcp.pluginVersion)" \
    -o "$out/plugin-bin/pulumi-resource-gcp" ./gcpstandin)
}

install_plugins() {
  export PULUMI_HOME="$out/pulumi-home" PULUMI_SKIP_UPDATE_CHECK=true
  "$out/bin/pulumi" plugin install resource kubernetes "$(v kubernetes.pluginVersion)" \
    --file "$out/plugin-bin/pulumi-resource-kubernetes"
  "$out/bin/pulumi" plugin install resource gcp "$(v gcp.pluginVersion)" \
    --file "$out/plugin-bin/pulumi-resource-gcp"
}

timed "pulumi CLI $(v cli.version)" build_cli
timed "Node.js language host (engine/shims/languagehost)" build_language_host
timed "kubernetes provider $(v kubernetes.version) as $(v kubernetes.pluginVersion)" build_kubernetes
timed "gcp stand-in provider as $(v gcp.pluginVersion) (the real one is not served here)" build_gcp
timed "plugin installation" install_plugins
# The installed copies under pulumi-home are what the CLI runs.
rm -rf "$out/plugin-bin"
"$out/bin/pulumi" version > "$out/cli-version"
date -u +%FT%TZ > "$out/complete"
rm -rf "$ENGINE_DIR"
mv "$out" "$ENGINE_DIR"
echo "engine: built in $(( $(date +%s) - total_start )) s into $ENGINE_DIR"
