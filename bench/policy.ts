/**
 * `npm run bench:policy`: the time of one `AnalyzeStack` over 5,000 resources through the Analyzer
 * gRPC protocol, the pack started the way the Pulumi CLI starts it. Target: at most 1 s.
 *
 * The baseline, timed in the same run and interleaved with it, is a floor pack
 * (bench/floorPolicyPack: one stack policy that checks nothing): what the gRPC transport and
 * @pulumi/policy's own decoding of the request cost before any check runs. The budget pack's time
 * is printed as a ratio to it, so a loaded machine shows in both. The budget pack can be under
 * 1.00: it decodes the resources' property payloads itself (policies/structWireDecoding.ts)
 * instead of through google-protobuf's message objects, which is most of the floor's time.
 *
 * The 5,000 resources are copies of the recorded prod stack (URNs made unique), so every policy
 * does its real work: the ceiling prices them all with the cost engine. The request is filled as
 * the engine fills it (tests/policies/analyzerHarness.ts): each resource's state, options, parent,
 * dependencies, property dependencies and provider.
 *
 * A resource's state is what its provider returned, and a real provider returns every attribute of
 * the resource's schema, where the recorder's mocks echo the inputs (a pulumi-gcp GKE cluster's
 * state is 72 attributes, ~6 KB; the recorded one is 11). So the GKE cluster and node pools get the
 * attributes a real pulumi-gcp state has and theirs lack, from a real `pulumi stack export`
 * (tests/fixtures/pulumi/stack-export-pulumi-gcp-cluster.json), except any that would change a
 * price: the ceiling's verdict and figures stay those of the recorded stack.
 */
import { PROJECT_ROOT } from "../program/projectRoot";
import * as fs from "fs";
import * as path from "path";
import { ResourceRecord } from "../graph/resourceRecord";
import { recordStack } from "../offline/recordStack";
import { readStackConfig } from "../offline/stackConfig";
import { RunningPolicyPack } from "../tests/policies/analyzerHarness";
import { estimateCeilingCost } from "../policies/ceilingEstimate";
import { viewFromRecord } from "../policies/resourceView";

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

const REAL_GCP_STATE = path.join(PROJECT_ROOT, "tests", "fixtures", "pulumi", "stack-export-pulumi-gcp-cluster.json");

/** The ceiling's whole estimate of a graph's states (figures, assumptions, what it could not price). */
function ceilingFingerprint(records: ResourceRecord[]): string {
  return JSON.stringify(estimateCeilingCost(records.map((record) => viewFromRecord(record, "state"))));
}

/**
 * `records` with each state completed by the attributes a real provider state of its type has and
 * it lacks (keys Pulumi keeps internal, `__*`, are never sent), leaving out any attribute that
 * changes the ceiling's estimate. Returns the records and how many attributes were added and left out.
 */
function withProviderState(records: ResourceRecord[]): { records: ResourceRecord[]; completed: number; added: number; leftOut: string[] } {
  const document = JSON.parse(fs.readFileSync(REAL_GCP_STATE, "utf8")) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
  const realState = new Map(document.deployment.resources.filter((r) => r.type.startsWith("gcp:") && r.outputs).map((r) => [r.type, r.outputs!]));
  const complete = (keep: (type: string, key: string) => boolean) =>
    records.map((record) => {
      const real = realState.get(record.type);
      if (!real || !record.outputs) return record;
      const outputs = { ...record.outputs };
      for (const [key, value] of Object.entries(real)) if (!(key in outputs) && !key.startsWith("__") && keep(record.type, key)) outputs[key] = value;
      return { ...record, outputs };
    });
  const recorded = ceilingFingerprint(records);
  const candidates = [...realState].flatMap(([type, state]) => Object.keys(state).map((key) => ({ type, key })));
  const leftOut = candidates.filter(({ type, key }) => ceilingFingerprint(complete((t, k) => t === type && k === key)) !== recorded);
  const kept = (type: string, key: string) => !leftOut.some((c) => c.type === type && c.key === key);
  const completed = complete(kept);
  if (ceilingFingerprint(completed) !== recorded) throw new Error("bench/policy.ts: the completed provider state changes the ceiling's estimate");
  const added = completed.map((record, i) => Object.keys(record.outputs ?? {}).length - Object.keys(records[i].outputs ?? {}).length);
  return {
    records: completed,
    completed: added.filter((count) => count > 0).length,
    added: added.reduce((sum, count) => sum + count, 0),
    leftOut: leftOut.map(({ type, key }) => `${type.split(":").pop()}.${key}`),
  };
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
  console.log(`  floor (a pack that checks nothing, on @pulumi/policy's decoding): median ${floorMedian.toFixed(0)} ms = 1.00`);
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
    const state = withProviderState(prod.resources);
    console.log(
      `Provider state: ${state.added} attributes of a real pulumi-gcp state added to ${state.completed} recorded states (GKE cluster, node pools)` +
        ` (${state.leftOut.length} left out because they change a price: ${state.leftOut.join(", ") || "none"}).`,
    );
    // The whole prod graph copied: its Kubernetes objects included (a 12 KB nginx.conf ConfigMap,
    // a provider with a kubeconfig on every object).
    const whole = await timeAnalyzeStack(pack, floor, "prod graph copied to 5,000", replicate(state.records, RESOURCES));
    // The GCP resources the ceilings price (node pools, disks, cluster, address) copied.
    const costBearing = await timeAnalyzeStack(pack, floor, "prod's GCP resources copied to 5,000", replicate(state.records.filter((r) => COST_BEARING.test(r.type)), RESOURCES));
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
