#!/usr/bin/env bash
# npm run cluster:build: builds the local control plane (etcd, kube-apiserver, kube-scheduler,
# kube-controller-manager, kubectl, kwok) from Go modules into the cluster cache (cluster/env.sh),
# with kwok's stage files beside them. Reuses a complete cache; prints each build's time.
# Versions and the reason for each: cluster/versions.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cluster/env.sh
source "$here/env.sh"
versions="$here/versions.json"
v() { node -e 'const v=require(process.argv[1]); let x=v; for (const k of process.argv[2].split(".")) x=x?.[k]; if (x===undefined) { console.error(`cluster/versions.json: ${process.argv[2]} is missing`); process.exit(2) } process.stdout.write(Array.isArray(x) ? x.join(" ") : String(x))' "$versions" "$1"; }

if [ -f "$CLUSTER_DIR/complete" ]; then
  echo "cluster: cache is warm at $CLUSTER_DIR (nothing to build)"
  exit 0
fi
command -v go >/dev/null || { echo "cluster: go is not on PATH; the control plane is built with Go $(v go)" >&2; exit 1; }
# The machine is shared: the build yields to everything else.
renice -n 19 $$ >/dev/null 2>&1 || true

mkdir -p "$CLUSTER_CACHE_ROOT"
# Built into a scratch folder beside the cache entry and moved in whole at the end, so a failed or
# interrupted build never leaves a half-filled cache.
work=$(mktemp -d "$CLUSTER_CACHE_ROOT/.build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
out="$work/cluster"
mkdir -p "$out/bin" "$out/stages"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
# Go's build cache beside the cluster cache: a rebuild after a version change recompiles only
# what changed.
export GOCACHE="$CLUSTER_CACHE_ROOT/.go-build"
jobs=${RELAY_BUDGET_CLUSTER_JOBS:-2}
total_start=$(date +%s)

timed() {
  local name=$1 start
  shift
  start=$(date +%s)
  echo "cluster: building $name ..."
  "$@"
  echo "cluster: built $name in $(( $(date +%s) - start )) s"
}

module_dir() { # the module's unpacked folder in Go's module cache
  (cd "$work" && go mod download -json "$1@$2") | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s); if (j.Error) {console.error(j.Error); process.exit(1)} process.stdout.write(process.argv[1]==="mod"?j.GoMod:j.Dir)})' "${3:-dir}"
}

kube_mod="$work/kubernetes"
prepare_kubernetes() {
  local module version staging gomod
  module=$(v kubernetes.module)
  version=$(v kubernetes.version)
  staging=$(v kubernetes.stagingVersion)
  gomod=$(module_dir "$module" "$version" mod)
  mkdir -p "$kube_mod"
  # `go install k8s.io/kubernetes/cmd/...@version` is refused (its go.mod replaces every staging
  # module with ./staging/...): a wrapper module pins each of those to the published staging version.
  {
    printf 'module relaybudget/cluster/kubernetes\n\ngo %s\n\nrequire %s %s\n\n' "$(v go)" "$module" "$version"
    go mod edit -json "$gomod" | node -e '
      let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>{
        const skip=new Set(process.argv[2].split(" ")); const j=JSON.parse(s);
        const staged=(j.Replace||[]).filter(r=>r.New.Path.startsWith("./staging/")).map(r=>r.Old.Path).filter(p=>!skip.has(p));
        if (staged.length===0) { console.error("cluster: no staging replaces found in k8s.io/kubernetes go.mod"); process.exit(1) }
        for (const p of staged) console.log(`replace ${p} => ${p} ${process.argv[1]}`);
        console.error(`cluster: ${staged.length} staging modules pinned to ${process.argv[1]}`);
      })' "$staging" "$(v kubernetes.unservedStaging)"
  } > "$kube_mod/go.mod"
  { printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for c in $(v kubernetes.commands); do printf '\t_ "%s/cmd/%s"\n' "$module" "$c"; done
    printf ')\n'; } > "$kube_mod/tools.go"
  (cd "$kube_mod" && go mod tidy)
}

build_kube_command() {
  local cmd=$1 module version ldflags pkg
  module=$(v kubernetes.module)
  version=$(v kubernetes.version)
  # Without a version stamp the binaries report v0.0.0-master+$Format:%H$ and kubectl cannot parse it.
  ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$(v kubernetes.gitMajor) -X $pkg.gitMinor=$(v kubernetes.gitMinor)"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%FT%TZ)"
  done
  (cd "$kube_mod" && go build -p "$jobs" -ldflags "$ldflags" -o "$out/bin/$cmd" "$module/cmd/$cmd")
}

build_etcd() {
  local mod="$work/etcd"
  mkdir -p "$mod"
  printf 'module relaybudget/cluster/etcd\n\ngo %s\n\nrequire %s %s\n' "$(v go)" "$(v etcd.module)" "$(v etcd.version)" > "$mod/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$(v etcd.module)" > "$mod/tools.go"
  (cd "$mod" && go mod tidy && go build -p "$jobs" -o "$out/bin/etcd" "$(v etcd.module)")
}

build_kwok() {
  local mod="$work/kwok" dir
  mkdir -p "$mod"
  printf 'module relaybudget/cluster/kwok\n\ngo %s\n\nrequire %s %s\n' "$(v go)" "$(v kwok.module)" "$(v kwok.version)" > "$mod/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s/cmd/kwok"\n' "$(v kwok.module)" > "$mod/tools.go"
  (cd "$mod" && go mod tidy && go build -p "$jobs" \
    -ldflags "-X $(v kwok.module)/pkg/consts.Version=$(v kwok.version)" \
    -o "$out/bin/kwok" "$(v kwok.module)/cmd/kwok")
  # kwok ships no default stages: the module's own stage files are what `cluster:up` loads.
  dir=$(module_dir "$(v kwok.module)" "$(v kwok.version)")
  cp -r "$dir/kustomize/stage/." "$out/stages/"
  chmod -R u+w "$out/stages"
}

timed "etcd $(v etcd.version)" build_etcd
timed "kubernetes wrapper module $(v kubernetes.version)" prepare_kubernetes
for c in $(v kubernetes.commands); do
  timed "$c $(v kubernetes.version)" build_kube_command "$c"
done
timed "kwok $(v kwok.version)" build_kwok
"$out/bin/kube-apiserver" --version > "$out/versions.txt"
"$out/bin/etcd" --version | head -1 >> "$out/versions.txt"
"$out/bin/kwok" --version >> "$out/versions.txt" 2>&1 || true
date -u +%FT%TZ > "$out/complete"
rm -rf "$CLUSTER_DIR"
mv "$out" "$CLUSTER_DIR"
echo "cluster: built in $(( $(date +%s) - total_start )) s into $CLUSTER_DIR"
