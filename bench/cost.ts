/**
 * Cost benchmark (`npm run bench`): prints
 *  (a) `infra-cost review --stack all` wall time against the floor, a bare mocked run of both
 *      stacks with no pricing, both as child processes in this same run (medians of several runs);
 *      target: `npm start` within 1.2x the floor;
 *  (b) `estimate` on synthetic preview documents of 1k, 10k and 50k priced resources: time each and
 *      per resource (linear), 10k <= 1 s;
 *  (c) `infra-cost estimate` (a small document) and `--help` as processes against a bare
 *      `node -e 0`: <= 3x (they must not load the Pulumi SDKs);
 *  (d) `infra-cost estimate` of a 10,000-resource preview as a process: < 1 s wall.
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
  console.log(`(a) npm start (review --stack all): median ${reviewMs.toFixed(0)} ms wall; floor (a bare mocked run of both stacks): median ${floorMs.toFixed(0)} ms; ratio ${ratio.toFixed(2)}x (target <= 1.20x: ${ratio <= 1.2 ? "met" : "NOT met"})`);
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

/** (c) `infra-cost estimate` as a process on a small document, and `--help`, against a bare `node -e 0`; (d) a 10k-resource preview, wall. */
function estimateStartup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-cost-bench-"));
  try {
    const small = path.join(dir, "small.json");
    fs.writeFileSync(small, JSON.stringify({ steps: Array.from({ length: 10 }, (_, i) => syntheticStep(i)), changeSummary: { update: 10 } }));
    const tenK = path.join(dir, "ten-k.json");
    fs.writeFileSync(tenK, JSON.stringify({ steps: Array.from({ length: 10_000 }, (_, i) => syntheticStep(i)), changeSummary: { update: 10_000 } }));
    const bare: number[] = [];
    const estimate: number[] = [];
    const help: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      bare.push(timeChild(["-e", "0"]));
      estimate.push(timeChild([CLI, "estimate", "--preview", small, "--format", "markdown"]));
      help.push(timeChild([CLI, "--help"]));
      large.push(timeChild([CLI, "estimate", "--preview", tenK, "--format", "json"]));
    }
    const bareMs = median(bare);
    const estimateRatio = median(estimate) / bareMs;
    const helpRatio = median(help) / bareMs;
    console.log(`(c) node -e 0: median ${bareMs.toFixed(0)} ms; estimate --preview (10 resources, markdown): ${median(estimate).toFixed(0)} ms = ${estimateRatio.toFixed(2)}x; --help: ${median(help).toFixed(0)} ms = ${helpRatio.toFixed(2)}x (target <= 3x: ${estimateRatio <= 3 && helpRatio <= 3 ? "met" : "NOT met"})`);
    console.log(`(d) estimate --preview of 10,000 resources as a process: median ${median(large).toFixed(0)} ms wall (target < 1000 ms: ${median(large) < 1000 ? "met" : "NOT met"})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Wall times on a shared machine scale with its load: print it so the figures can be read.
console.log(`load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")} on ${os.cpus().length} CPUs`);
reviewAgainstFloor();
estimateScaling();
estimateStartup();
