/**
 * `npm run bench:policy`: the time of one `AnalyzeStack` over 5,000 resources through the Analyzer
 * gRPC protocol, the pack started the way the Pulumi CLI starts it. Target: at most 1 s.
 *
 * The baseline, timed in the same run and interleaved with it, is a floor pack
 * (bench/floorPolicyPack: one stack policy that checks nothing): what the gRPC transport and
 * @pulumi/policy's decoding of the request cost before any check runs. The budget pack's time is
 * printed as a ratio to it, so a loaded machine shows in both.
 *
 * The 5,000 resources are copies of the recorded prod stack (URNs made unique), so every policy
 * does its real work: the ceiling prices them all with the cost engine.
 */
import { PROJECT_ROOT } from "../projectRoot";
import * as path from "path";
import { ResourceRecord } from "../graph/resourceRecord";
import { recordStack } from "../offline/recordStack";
import { readStackConfig } from "../offline/stackConfig";
import { RunningPolicyPack } from "../tests/policies/analyzerHarness";

const RESOURCES = 5_000;
const RUNS = 5;
const TARGET_MS = 1_000;

/** `count` resources: copies of the stack with each URN (and every reference to one) suffixed. */
function replicate(records: ResourceRecord[], count: number): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (let copy = 0; out.length < count; copy++) {
    const rename = (urn: string) => `${urn}-${copy}`;
    for (const record of records) {
      if (out.length === count) break;
      out.push({
        ...record,
        urn: rename(record.urn),
        name: `${record.name}-${copy}`,
        ...(record.parent ? { parent: rename(record.parent) } : {}),
        ...(record.dependencies ? { dependencies: record.dependencies.map(rename) } : {}),
        ...(record.propertyDependencies
          ? { propertyDependencies: Object.fromEntries(Object.entries(record.propertyDependencies).map(([key, urns]) => [key, urns.map(rename)])) }
          : {}),
        ...(record.aliases ? { aliases: record.aliases.map(rename) } : {}),
        // A provider reference is "<urn>::<id>".
        ...(record.provider ? { provider: `${rename(record.provider.split("::").slice(0, -1).join("::"))}::${record.provider.split("::").pop()}` } : {}),
      });
    }
  }
  return out;
}

/** One AnalyzeStack of `bytes` in ms. */
async function timeOnce(pack: RunningPolicyPack, bytes: Uint8Array): Promise<{ ms: number; diagnostics: number }> {
  const start = process.hrtime.bigint();
  const diagnostics = (await pack.analyzeStackBytes(bytes)).length;
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, diagnostics };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Times AnalyzeStack over `resources` on the budget pack and on the floor pack, runs interleaved
 * so both see the same machine load; returns the budget pack's median in ms.
 */
async function timeAnalyzeStack(pack: RunningPolicyPack, floor: RunningPolicyPack, label: string, resources: ResourceRecord[]): Promise<number> {
  const request = pack.stackRequest(resources);
  const count = request.getResourcesList().length;
  const bytes = request.serializeBinary();
  // Warm-up: the budget pack's first call loads the price catalog; both JITs settle.
  await timeOnce(pack, bytes);
  await timeOnce(floor, bytes);
  const ours: number[] = [];
  const floors: number[] = [];
  let diagnostics = 0;
  for (let run = 0; run < RUNS; run++) {
    floors.push((await timeOnce(floor, bytes)).ms);
    const timed = await timeOnce(pack, bytes);
    ours.push(timed.ms);
    diagnostics = timed.diagnostics;
  }
  const oursMedian = median(ours);
  const floorMedian = median(floors);
  console.log(`AnalyzeStack, ${label}: ${count} resources (with default providers), ${(bytes.length / 1e6).toFixed(1)} MB on the wire, ${RUNS} runs each, interleaved:`);
  console.log(`  floor (one stack policy that checks nothing): median ${floorMedian.toFixed(0)} ms = 1.00`);
  console.log(
    `  budget pack (${diagnostics} diagnostics): median ${oursMedian.toFixed(0)} ms = ${(oursMedian / floorMedian).toFixed(2)} x floor` +
      ` (best ${Math.min(...ours).toFixed(0)} ms, worst ${Math.max(...ours).toFixed(0)} ms; target <= ${TARGET_MS} ms: ${oursMedian <= TARGET_MS ? "OK" : "OVER TARGET"})`,
  );
  return oursMedian;
}

const COST_BEARING = /^gcp:(container|compute)\//;

async function main(): Promise<void> {
  const prod = await recordStack("prod");
  // The CLI hands the pack the stack's config, and default providers' inputs come from it.
  const stackConfig = readStackConfig("prod").values;
  const pack = await RunningPolicyPack.start({ stack: "prod", project: prod.project, stackConfig });
  // The baseline, measured in the same run: the protocol and @pulumi/policy's own decoding, no check.
  const floor = await RunningPolicyPack.start({ stack: "prod", project: prod.project, stackConfig, packDir: path.join(PROJECT_ROOT, "bench", "floorPolicyPack") });
  try {
    await pack.configure(path.join(PROJECT_ROOT, "policies", "config", "prod.json"));
    // The whole prod graph copied: its Kubernetes objects included (a 12 KB nginx.conf ConfigMap,
    // a provider with a kubeconfig on every object), so the wire carries ~1.5 KB a resource.
    const whole = await timeAnalyzeStack(pack, floor, "prod graph copied to 5,000", replicate(prod.resources, RESOURCES));
    // The GCP resources the ceilings price (node pools, disks, cluster, address) copied.
    const costBearing = await timeAnalyzeStack(pack, floor, "prod's GCP resources copied to 5,000", replicate(prod.resources.filter((r) => COST_BEARING.test(r.type)), RESOURCES));
    if (Math.max(whole, costBearing) > TARGET_MS) process.exitCode = 1;
  } finally {
    await pack.stop();
    await floor.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
