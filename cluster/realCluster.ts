/**
 * `npm run test:cluster` (cluster/test.sh starts the control plane around it): the plan checked
 * against a real Kubernetes control plane built from Go modules (cluster/build.sh).
 * - The scheduler proof (cluster/schedulerProof.ts) for every simulated pool of both stacks, its
 *   result written to sizing/scheduler-proof.json for the offline commands.
 * - A server-side dry run of every object `npm run render` writes for both stacks, and a broken
 *   copy the server must refuse.
 * - `pulumi up` of both stacks with the real engine when its cache is warm (cluster/realClusterEngine.ts).
 * With `--negative` it runs the broken cases instead: a config that cannot fit, a budget that
 * blocks every drain, a testnet route prod does not serve; each check must then fail, and the run
 * counts that as passed.
 * Last line: `real cluster: N checks passed, M failed`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";
import { loadCatalog } from "../catalog/catalog";
import { writeFilesAtomically } from "../cli/atomicOutput";
import { recordAllStacks, recordStack } from "../offline/recordStack";
import { DEFAULT_HEADROOM } from "../opportunities/rightsizing";
import { PROJECT_ROOT } from "../program/projectRoot";
import { STACKS } from "../program/stacks";
import { CheckTally } from "../engine/engineProject";
import { KubeApi, KubeConnection, localConnection } from "./kubeApi";
import { missingRouteCase, pulumiUpChecks } from "./realClusterEngine";
import { PoolProof, provePool } from "./schedulerProof";
import { SCHEDULER_PROOF_FILE, SchedulerProofDocument, planHash, proofText } from "./schedulerResults";
import { SimulatedPool, simulatedPools } from "./simulatedPools";

const tally = new CheckTally();
const check = (name: string, ok: boolean, detail = ""): boolean => tally.check(name, ok, detail);

function clusterBin(command: string): string {
  const dir = process.env.CLUSTER_DIR;
  if (!dir || !fs.existsSync(path.join(dir, "complete"))) throw new Error(`CLUSTER_DIR ${JSON.stringify(dir ?? "")} is not a built control plane: run npm run test:cluster (it builds it first)`);
  return path.join(dir, "bin", command);
}

function kubeSchedulerVersion(): string {
  const out = spawnSync(clusterBin("kube-scheduler"), ["--version"], { encoding: "utf8" }).stdout;
  return /v\d+\.\d+\.\d+\S*/.exec(out)?.[0] ?? "unknown";
}

/** The four scenario checks of one pool; `expectFailure` names the one a negative case must fail. */
function poolChecks(proof: PoolProof, scheduler: string): Record<"placement" | "upgrade" | "nodeLost" | "oneFewer", [string, boolean, string]> {
  const where = `${proof.stack}/${proof.pool} (${proof.nodeCount} x ${proof.machineType})`;
  return {
    placement: [`${where}: kube-scheduler places every stated pod`, proof.placement.pending === 0, `placed ${proof.placement.placed}/${proof.pods}, pods per node ${proof.placement.podsPerNode.join("/")}`],
    upgrade: [`${where}: a surge upgrade, drained through the eviction API, leaves no pod Pending`, proof.upgrade.safe, proof.upgrade.detail],
    nodeLost: [`${where}: losing any one node keeps every PodDisruptionBudget's minimum`, proof.nodeLost.budgetsKept, proof.nodeLost.detail],
    oneFewer: [
      `${where}: in the rightsizing's model (${Math.round(proof.oneFewer.headroom * 100)} % headroom) every pod fits the declared count and one node fewer (${proof.oneFewer.nodes}) leaves pods Pending (tight)`,
      proof.oneFewer.pendingAtDeclared === 0 && proof.oneFewer.pending > 0,
      `${proof.oneFewer.pendingAtDeclared} Pending on ${proof.nodeCount}, ${proof.oneFewer.pending} on ${proof.oneFewer.nodes}; ${proofText(proof, scheduler)}`,
    ],
  };
}

async function schedulerProof(api: KubeApi, scheduler: string): Promise<void> {
  const catalog = loadCatalog();
  const document: SchedulerProofDocument = {
    version: 1,
    kubeScheduler: scheduler,
    kwok: fs.readFileSync(path.join(process.env.CLUSTER_DIR!, "versions.txt"), "utf8").split("\n").find((l) => /kwok/i.test(l))?.trim() ?? "kwok",
    computedAt: new Date().toISOString(),
    stacks: {},
  };
  for (const recorded of await recordAllStacks()) {
    const { pools, unsimulated } = simulatedPools(recorded.stack, recorded.resources, catalog);
    for (const u of unsimulated) check(`${u.stack}/${u.pool}: simulated`, false, u.reason);
    const proofs: PoolProof[] = [];
    for (const pool of pools) {
      const started = Date.now();
      const proof = await provePool(api, pool, DEFAULT_HEADROOM);
      proofs.push(proof);
      for (const [name, ok, detail] of Object.values(poolChecks(proof, scheduler))) check(name, ok, detail);
      console.log(`     ${proof.stack}/${proof.pool} took ${Math.round((Date.now() - started) / 1000)} s`);
    }
    document.stacks[recorded.stack] = { planHash: planHash(pools), pools: proofs };
  }
  if (process.env.RELAY_BUDGET_CLUSTER_WRITE !== "0") {
    writeFilesAtomically([{ file: SCHEDULER_PROOF_FILE, content: JSON.stringify(document, null, 2) + "\n" }]);
    console.log(`wrote ${path.relative(PROJECT_ROOT, SCHEDULER_PROOF_FILE)}`);
  }
}

/**
 * The broken cases: each must make the check it breaks fail. The config rules refuse both configs
 * before any cluster sees them, so the broken pools are built from prod's valid seed pool, changed
 * the way each config would change it; the detail says what the config rules answer.
 */
async function negativeCases(api: KubeApi, scheduler: string): Promise<void> {
  const catalog = loadCatalog();
  const prod = await recordStack("prod");
  if (!("seedPool" in prod.config)) throw new Error("prod's config has no seedPool");
  const seedPool = prod.config.seedPool;
  const pool = simulatedPools("prod", prod.resources, catalog).pools.find((p) => p.pool === seedPool.name);
  if (!pool) throw new Error(`the seed pool ${seedPool.name} is not in prod's graph`);
  const configAnswer = async (overrides: Record<string, unknown>): Promise<string> =>
    recordStack("prod", { configOverrides: { seedPool: { ...seedPool, ...overrides } } }).then(
      () => "the config rules accept it",
      (err: Error) => `the config rules refuse it too (${err.message.split("\n")[0]})`,
    );

  const cannotFit = await provePool(api, { ...pool, nodeCount: 2 }, DEFAULT_HEADROOM);
  const [name, ok, detail] = poolChecks(cannotFit, scheduler).placement;
  check(`negative: a config that cannot fit (seedPool.nodeCount 2) fails "${name}"`, !ok, `${detail}; ${await configAnswer({ nodeCount: 2 })}`);

  // Every budget of the pool at its group's full replica count: no pod may ever be evicted.
  const blockingPool: SimulatedPool = { ...pool, groups: pool.groups.map((g) => (g.minAvailable !== undefined ? { ...g, minAvailable: g.replicas } : g)) };
  const blocking = await provePool(api, blockingPool, DEFAULT_HEADROOM);
  const [uName, uOk, uDetail] = poolChecks(blocking, scheduler).upgrade;
  check(
    `negative: a PodDisruptionBudget that blocks every drain (minAvailableSeeds ${seedPool.seedReplicas}) fails "${uName}"`,
    !uOk,
    `${uDetail}; ${await configAnswer({ minAvailableSeeds: seedPool.seedReplicas })}`,
  );
}

/** The broken case that needs the engine: a testnet route prod does not serve must fail testnet's `pulumi up`. */
async function negativeRouteCase(api: KubeApi, connection: KubeConnection, tmp: string): Promise<void> {
  const engine = process.env.ENGINE_DIR;
  if (!engine || !fs.existsSync(path.join(engine, "complete"))) {
    check("negative: a route that is missing", false, `needs the engine: its cache ${engine ?? "(ENGINE_DIR unset)"} is cold; run npm run engine:build`);
    return;
  }
  const { name, ok, refusedForTheRoute, detail } = await missingRouteCase(api, connection, engine, tmp);
  check(`negative: a route that is missing fails "${name}", refused for that route`, !ok && refusedForTheRoute, detail);
}

/** kubectl against the running control plane. */
function kubectl(args: string[], kubeconfig: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(clusterBin("kubectl"), ["--kubeconfig", kubeconfig, ...args], { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every rendered object through `kubectl apply --dry-run=server`; namespaces are created for real first, as a real cluster has them. */
function serverDryRun(kubeconfig: string, tmp: string): void {
  for (const stack of STACKS) {
    const out = path.join(tmp, `render-${stack}`);
    const render = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "dist", "cli", "render.js"), "--stack", stack, "--out", out], { cwd: PROJECT_ROOT, encoding: "utf8" });
    if (!check(`${stack}: npm run render writes the stack's objects`, render.status === 0, render.status === 0 ? "" : render.stderr.trim())) continue;
    const files = fs.readdirSync(out).filter((f) => /\.ya?ml$/.test(f)).sort();
    const objects = files.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(out, f), "utf8")).map((d) => ({ file: f, object: d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } })));
    const namespaces = new Set(objects.map((o) => o.object?.metadata?.namespace).filter((n): n is string => Boolean(n)));
    for (const o of objects.filter((o) => o.object?.kind === "Namespace")) namespaces.delete(o.object.metadata!.name!);
    for (const ns of namespaces) kubectl(["create", "namespace", ns], kubeconfig);
    // Namespaces the program declares are applied for real too: the objects inside need them.
    for (const o of objects.filter((o) => o.object?.kind === "Namespace")) kubectl(["apply", "-f", "-"], kubeconfig, stringify(o.object));
    const refused: string[] = [];
    const warned: string[] = [];
    for (const file of files) {
      const run = kubectl(["apply", "--dry-run=server", "-f", path.join(out, file)], kubeconfig);
      if (run.status !== 0) refused.push(`${file}: ${run.stderr.trim().split("\n")[0]}`);
      else if (/warning/i.test(run.stderr)) warned.push(`${file}: ${run.stderr.trim().split("\n")[0]}`);
    }
    check(`${stack}: the API server accepts every rendered object in a server-side dry run`, refused.length === 0, refused.join("; ") || `${objects.length} objects in ${files.length} files`);
    check(`${stack}: the dry run gives no warnings`, warned.length === 0, warned.join("; "));
    // The check can fail: a copy of a Deployment with replicas -1 must be refused.
    const deployment = objects.find((o) => o.object?.kind === "Deployment");
    if (deployment) {
      const broken = { ...(deployment.object as Record<string, unknown>), spec: { ...((deployment.object as { spec: Record<string, unknown> }).spec), replicas: -1 } };
      const run = kubectl(["apply", "--dry-run=server", "-f", "-"], kubeconfig, stringify(broken));
      check(`${stack}: the server refuses a broken copy (${deployment.object.metadata?.name} with replicas -1)`, run.status !== 0, run.stderr.trim().split("\n")[0]);
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const negative = process.argv.includes("--negative");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "relay-budget-cluster-"));
  let api: KubeApi | undefined;
  try {
    const connection = localConnection();
    api = new KubeApi(connection);
    const scheduler = kubeSchedulerVersion();
    console.log(`cluster: kube-scheduler ${scheduler}, API server ${connection.server.origin}`);
    if (negative) {
      await negativeCases(api, scheduler);
      await negativeRouteCase(api, connection, tmp);
    }
    else {
      // --up-only: just the pulumi up checks (the proof and dry run take minutes; rerun them without it).
      if (!process.argv.includes("--up-only")) {
        await schedulerProof(api, scheduler);
        serverDryRun(connection.kubeconfig, tmp);
      }
      const engine = process.env.ENGINE_DIR;
      if (engine && fs.existsSync(path.join(engine, "complete"))) await pulumiUpChecks(api, connection, engine, tmp, tally);
      else console.log(`pulumi up checks SKIPPED: the engine cache ${engine ?? "(ENGINE_DIR unset)"} is cold; run npm run engine:build (see README, 'The real-engine test')`);
    }
  } catch (err) {
    check("the real-cluster run completed", false, (err as Error).message.split("\n")[0]);
  } finally {
    api?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`took ${Math.round((Date.now() - started) / 1000)} s`);
  tally.finish("real cluster");
}

void main();
