/**
 * `npm run bench:policy`: the time of one `AnalyzeStack` over 5,000 resources through the Analyzer
 * gRPC protocol, the pack started the way the Pulumi CLI starts it. Target: at most 1 s.
 *
 * The 5,000 resources are copies of the recorded prod stack (URNs made unique), so every policy
 * does its real work: the ceiling prices them all with the cost engine.
 */
import { PROJECT_ROOT } from "../projectRoot";
import * as path from "path";
import { ResourceRecord } from "../graph/resourceRecord";
import { recordStack } from "../offline/recordStack";
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
        // A provider reference is "<urn>::<id>".
        ...(record.provider ? { provider: `${rename(record.provider.split("::").slice(0, -1).join("::"))}::${record.provider.split("::").pop()}` } : {}),
      });
    }
  }
  return out;
}

/** Times AnalyzeStack over `resources`; returns the worst of RUNS runs in ms. */
async function timeAnalyzeStack(pack: RunningPolicyPack, label: string, resources: ResourceRecord[]): Promise<number> {
  const request = pack.stackRequest(resources);
  const count = request.getResourcesList().length;
  const bytes = request.serializeBinary();
  await pack.analyzeStackBytes(bytes); // warm-up: the pack's first call loads the price catalog
  const times: number[] = [];
  let diagnostics = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    diagnostics = (await pack.analyzeStackBytes(bytes)).length;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const worst = times[times.length - 1];
  console.log(`AnalyzeStack, ${label}: ${count} resources (with default providers), ${(bytes.length / 1e6).toFixed(1)} MB on the wire, ${RUNS} runs:`);
  console.log(`  median ${median.toFixed(0)} ms, best ${times[0].toFixed(0)} ms, worst ${worst.toFixed(0)} ms (target <= ${TARGET_MS} ms), ${diagnostics} diagnostics: ${median <= TARGET_MS ? "OK" : "OVER TARGET"}`);
  return median;
}

const COST_BEARING = /^gcp:(container|compute)\//;

async function main(): Promise<void> {
  const prod = await recordStack("prod");
  const pack = await RunningPolicyPack.start({ stack: "prod", project: prod.project });
  try {
    await pack.configure(path.join(PROJECT_ROOT, "policies", "config", "prod.json"));
    // The whole prod graph copied: its Kubernetes objects included (a 12 KB nginx.conf ConfigMap,
    // a provider with a kubeconfig on every object), so the wire carries ~1.5 KB a resource.
    const whole = await timeAnalyzeStack(pack, "prod graph copied to 5,000", replicate(prod.resources, RESOURCES));
    // The GCP resources the ceilings price (node pools, disks, cluster, address) copied.
    const costBearing = await timeAnalyzeStack(pack, "prod's GCP resources copied to 5,000", replicate(prod.resources.filter((r) => COST_BEARING.test(r.type)), RESOURCES));
    if (Math.max(whole, costBearing) > TARGET_MS) process.exitCode = 1;
  } finally {
    await pack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
