/**
 * Cost benchmark (`npm run bench`): prints
 *  (a) `infra-cost review --stack all` wall time against the floor, a bare mocked run of both
 *      stacks with no pricing, both as child processes in this same run (medians of several runs);
 *      targets: <= 1.3x the floor and <= 2 s;
 *  (b) `estimate` on synthetic preview documents of 1k, 10k and 50k priced resources: time each and
 *      per resource (linear), 10k <= 1 s.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { runEstimate } from "../cli/estimateCommand";

const DIST = path.resolve(__dirname, "..");
const CLI = path.join(DIST, "cli", "infra-cost.js");
const RECORD_ONLY = `require(${JSON.stringify(path.join(DIST, "offline", "recordStack.js"))}).recordAllStacks().then(() => {}, (e) => { console.error(e.message); process.exit(1); })`;
const REPEATS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeChild(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(" ").slice(0, 80)} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

function reviewAgainstFloor(): void {
  const review: number[] = [];
  const floor: number[] = [];
  // Interleaved, so both see the same machine load.
  for (let i = 0; i < REPEATS; i++) {
    floor.push(timeChild(["-e", RECORD_ONLY]));
    review.push(timeChild([CLI, "review", "--stack", "all", "--format", "json"]));
  }
  const reviewMs = median(review);
  const floorMs = median(floor);
  const ratio = reviewMs / floorMs;
  console.log(`(a) review --stack all: median ${reviewMs.toFixed(0)} ms wall; floor (recordAllStacks only): median ${floorMs.toFixed(0)} ms; ratio ${ratio.toFixed(2)}x (target <= 1.30x and <= 2000 ms: ${ratio <= 1.3 && reviewMs <= 2000 ? "met" : "NOT met"})`);
  console.log(`    runs review ms: ${review.map((v) => v.toFixed(0)).join(", ")}; floor ms: ${floor.map((v) => v.toFixed(0)).join(", ")}`);
}

/** A preview step updating one resource of a rotating mix of priced GCP and Kubernetes types. */
function syntheticStep(index: number): unknown {
  const kinds = [
    () => ({ type: "gcp:container/nodePool:NodePool", inputs: (n: number) => ({ cluster: "bench", location: "us-east1-b", nodeCount: n, nodeConfig: { machineType: n % 2 ? "n1-standard-4" : "e2-standard-4", diskType: "pd-balanced", diskSizeGb: 100 } }) }),
    () => ({ type: "gcp:compute/disk:Disk", inputs: (n: number) => ({ zone: "us-east1-b", type: "pd-ssd", size: 50 * n }) }),
    () => ({ type: "gcp:compute/address:Address", inputs: () => ({ region: "us-east1" }) }),
    () => ({ type: "gcp:compute/forwardingRule:ForwardingRule", inputs: () => ({ region: "us-east1" }) }),
    () => ({ type: "gcp:compute/instance:Instance", inputs: (n: number) => ({ zone: "us-east1-c", machineType: "n2-standard-2", bootDisk: { initializeParams: { size: 10 * n } } }) }),
    () => ({ type: "kubernetes:core/v1:PersistentVolumeClaim", inputs: (n: number) => ({ spec: { storageClassName: "premium-rwo", resources: { requests: { storage: `${n * 10}Gi` } } } }) }),
    () => ({ type: "gcp:compute/snapshot:Snapshot", inputs: (n: number) => ({ zone: "us-east1-b", labels: { "source-disk-size-gb": String(n * 20) } }) }),
  ];
  const kind = kinds[index % kinds.length]();
  const urn = `urn:pulumi:bench::bench::${kind.type}::r${index}`;
  const state = (n: number) => ({ urn, type: kind.type, custom: true, inputs: kind.inputs(n), outputs: kind.inputs(n) });
  return { op: "update", urn, oldState: state(3), newState: state(2) };
}

function estimateScaling(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-cost-bench-"));
  try {
    // Warm up module loading and the catalog so the sizes compare pricing, not start-up.
    const warm = path.join(dir, "warm.json");
    fs.writeFileSync(warm, JSON.stringify({ steps: Array.from({ length: 100 }, (_, i) => syntheticStep(i)) }));
    runEstimate({ preview: [warm], format: "json" });

    const rows: { size: number; ms: number }[] = [];
    for (const size of [1_000, 10_000, 50_000]) {
      const file = path.join(dir, `preview-${size}.json`);
      const cluster = { op: "same", urn: "urn:pulumi:bench::bench::gcp:container/cluster:Cluster::bench", oldState: null as unknown, newState: null as unknown };
      const clusterState = { urn: cluster.urn, type: "gcp:container/cluster:Cluster", custom: true, inputs: { name: "bench", location: "us-east1-b", removeDefaultNodePool: true } };
      cluster.oldState = clusterState;
      cluster.newState = clusterState;
      fs.writeFileSync(file, JSON.stringify({ steps: [cluster, ...Array.from({ length: size - 1 }, (_, i) => syntheticStep(i))] }));
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        const output = runEstimate({ preview: [file], format: "json" }).text;
        times.push(performance.now() - start);
        if (JSON.parse(output).resources.length !== size) throw new Error(`expected ${size} priced resources`);
      }
      rows.push({ size, ms: median(times) });
    }
    const base = rows[0].ms / rows[0].size;
    console.log("(b) estimate --preview (read + parse + price both sides + JSON), median of 3:");
    for (const { size, ms } of rows) {
      const perResource = ms / size;
      console.log(`    ${String(size).padStart(6)} resources: ${ms.toFixed(0).padStart(6)} ms, ${(perResource * 1000).toFixed(1)} us/resource (x${(perResource / base).toFixed(2)} of 1k's per-resource time)`);
    }
    const tenK = rows.find((r) => r.size === 10_000)!;
    console.log(`    10k target <= 1000 ms: ${tenK.ms <= 1000 ? "met" : "NOT met"} (${tenK.ms.toFixed(0)} ms)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

reviewAgainstFloor();
estimateScaling();
