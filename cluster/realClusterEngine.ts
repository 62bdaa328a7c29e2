/**
 * The `pulumi up` half of `npm run test:cluster`: the real Pulumi CLI and Kubernetes provider
 * (engine/build.sh) apply both stacks to the local control plane, on a file:// backend. The GCP
 * half is the project's stand-in in its apply mode (engine/shims/gcpstandin, named by
 * RELAY_BUDGET_GCP_STANDIN_APPLY): the GKE cluster's endpoint and CA it returns are the local API
 * server's, so the program's own kubeconfig (exec gke-gcloud-auth-plugin) reaches it; the plugin
 * is a stub on PATH that prints the local token. Kwok nodes stand for every node pool of the stack.
 * No GCP controller gives a LoadBalancer Service its address here, so a test-only status writer
 * fills it in while an `up` runs (the kubernetes provider waits for it, as on GKE).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadCatalog } from "../catalog/catalog";
import { PROJECT, StackName } from "../config";
import { money, roundMoney } from "../cost/money";
import { proxyImageRepository } from "../components/blockchainProxy";
import { CheckTally, engineWorkspace, infraCost, initStacks } from "../engine/engineProject";
import { recordStack } from "../offline/recordStack";
import { KubeApi, KubeConnection, KubeError } from "./kubeApi";
import { nodeObject } from "./schedulerProof";
import { simulatedPools } from "./simulatedPools";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

interface ExportedState {
  deployment: { resources?: { urn: string; type: string; protect?: boolean }[] };
}

/** Namespaces a real cluster has that the program does not declare. */
const CLUSTER_NAMESPACES = ["pocket", "blockchain"];

/** Fills in the address of every LoadBalancer Service that has none, as GKE's service controller would. */
async function writeLoadBalancerStatus(api: KubeApi): Promise<void> {
  const services = await api.get<{ items: any[] }>("/api/v1/services");
  for (const service of services.items) {
    if (service.spec?.type !== "LoadBalancer" || (service.status?.loadBalancer?.ingress ?? []).length > 0) continue;
    const ip = service.spec.loadBalancerIP || "10.255.0.1";
    await api.patch(`/api/v1/namespaces/${service.metadata.namespace}/services/${service.metadata.name}/status`, { status: { loadBalancer: { ingress: [{ ip }] } } });
  }
}

/** One engine workspace on the local control plane: the copied project, its stacks initialised, and how to run the CLI in it. */
interface EngineSession {
  pulumi: (args: string[]) => Promise<Run>;
  /** Runs the CLI and throws, naming the command, when it fails. */
  must: (args: string[]) => Promise<Run>;
  /** `pulumi up` of the stack with the policy pack, its kwok nodes added first and the status writer running. */
  up: (stack: StackName, extra?: string[], policyConfig?: string) => Promise<Run>;
  stackFile: (stack: StackName) => string;
  lastLine: (run: Run) => string;
  secretValues: string[];
}

async function engineSession(api: KubeApi, connection: KubeConnection, engineDir: string, tmp: string): Promise<EngineSession> {
  const { project, env: baseEnv } = engineWorkspace(engineDir, tmp);
  // The stub auth plugin and the stand-in's outputs: what GKE would answer, pointing here.
  const stubs = path.join(tmp, "bin");
  fs.mkdirSync(stubs);
  const credential = JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential", status: { token: connection.token } });
  fs.writeFileSync(path.join(stubs, "gke-gcloud-auth-plugin"), `#!/bin/sh\ncat <<'EOF'\n${credential}\nEOF\n`, { mode: 0o700 });
  const outputsFile = path.join(tmp, "gcp-standin-outputs.json");
  fs.writeFileSync(
    outputsFile,
    JSON.stringify({ outputs: { "gcp:container/cluster:Cluster": { endpoint: connection.server.host, masterAuth: { clusterCaCertificate: connection.ca.toString("base64") } } } }),
    { mode: 0o600 },
  );
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    PATH: [path.join(engineDir, "bin"), stubs, process.env.PATH ?? ""].join(path.delimiter),
    RELAY_BUDGET_GCP_STANDIN_APPLY: outputsFile,
    // The program builds its own kubeconfig from the cluster's outputs; no other is read.
    KUBECONFIG: path.join(tmp, "no-kubeconfig"),
  };
  const hidden = new Set<string>([connection.token]);
  const pulumi = (args: string[]): Promise<Run> =>
    new Promise((resolve, reject) => {
      const start = Date.now();
      const child = spawn(path.join(engineDir, "bin", "pulumi"), [...args, "--color", "never"], { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr, seconds: (Date.now() - start) / 1000 }));
    });
  const words = (args: string[]) => args.filter((a) => !hidden.has(a)).join(" ");
  // Why a run failed: the CLI's error diagnostics (plain lines, or diagnostic events with --json), else its last lines.
  const lastLine = (run: Run) => {
    const lines = `${run.stdout}\n${run.stderr}`.trim().split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
    const jsonErrors = lines.flatMap((l) => {
      if (!l.startsWith("{")) return [];
      try {
        const event = JSON.parse(l) as {
          diagnosticEvent?: { severity?: string; message?: string };
          policyEvent?: { policyName?: string; enforcementLevel?: string; message?: string };
        };
        // A mandatory policy's violation fails the update with no "error:" line of its own: name it.
        if (event.policyEvent?.enforcementLevel === "mandatory" && event.policyEvent.message) return [`${event.policyEvent.policyName}: ${event.policyEvent.message.trim()}`];
        return event.diagnosticEvent?.severity === "error" && event.diagnosticEvent.message ? [event.diagnosticEvent.message.trim()] : [];
      } catch {
        return [];
      }
    });
    // Without --json, a mandatory violation is a "[mandatory]  <policy>" line with its message on the next.
    const violations = lines.flatMap((l, i) => (/\[mandatory\]/.test(l) && !l.startsWith("{") ? [`${l.trim()} ${lines[i + 1]?.trim() ?? ""}`] : []));
    const errors = [...jsonErrors, ...violations, ...lines.filter((l) => !l.startsWith("{") && /\berror:/i.test(l)).map((l) => l.trim())];
    return (errors.length > 0 ? [...new Set(errors)].slice(0, 3) : lines.slice(-2)).join(" | ").replace(/\s+/g, " ").slice(0, 600);
  };
  // initStacks runs its commands synchronously in order; they are queued and run here, one by one.
  const queue: string[][] = [];
  const secretValues = initStacks(project, (args) => queue.push(args), (value) => hidden.add(value));
  const must = async (args: string[]): Promise<Run> => {
    const run = await pulumi(args);
    if (run.status !== 0) throw new Error(`pulumi ${words(args)} exited ${run.status}: ${lastLine(run)}`);
    return run;
  };
  for (const args of queue) await must(args);
  const stackFile = (stack: StackName) => path.join(project, `Pulumi.${stack}.yaml`);
  // pulumi up runs only a proxy image pinned by digest, which the deploy workflow sets after pushing
  // its build. Kwok starts no container, so nothing is built or pulled here: the digest names none.
  const prodDoc = parse(fs.readFileSync(stackFile("prod"), "utf8")) as { config: Record<string, string> };
  const unbuiltImage = `${proxyImageRepository(prodDoc.config["gcp:region"], prodDoc.config["gcp:project"])}@sha256:${"0".repeat(64)}`;
  await must(["config", "set", "--stack", "prod", "--path", "blockchainProxy.image", unbuiltImage]);
  const catalog = loadCatalog();

  for (const ns of CLUSTER_NAMESPACES) await api.post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }).catch((e) => { if (!(e instanceof KubeError && e.status === 409)) throw e; });
  /** Kwok nodes for every pool of the stack as its copied file now declares it. */
  const nodesFor = async (stack: StackName): Promise<void> => {
    const prod = stack === "testnet" ? await recordStack("prod", { stackFile: stackFile("prod") }) : undefined;
    const recorded = await recordStack(stack, { stackFile: stackFile(stack), ...(prod ? { prod } : {}) });
    for (const pool of simulatedPools(stack, recorded.resources, catalog).pools) {
      for (let i = 0; i < pool.nodeCount; i++) {
        await api.post("/api/v1/nodes", nodeObject(pool, `${stack}-${pool.pool}-${i}`)).catch((e) => { if (!(e instanceof KubeError && e.status === 409)) throw e; });
      }
    }
  };
  const up = async (stack: StackName, extra: string[] = [], policyConfig = `policies/config/${stack}.json`): Promise<Run> => {
    await nodesFor(stack).catch(() => undefined);
    const writer = setInterval(() => void writeLoadBalancerStatus(api).catch(() => undefined), 1000);
    try {
      return await pulumi(["up", "--stack", stack, "--yes", "--skip-preview", "--policy-pack", "policies", "--policy-pack-config", policyConfig, ...extra]);
    } finally {
      clearInterval(writer);
    }
  };
  return { pulumi, must, up, stackFile, lastLine, secretValues };
}

/** The relay chain ID no deployed prod serves: a testnet route to it is a route that is missing. */
const UNSERVED_RELAY_CHAIN = "9999";

/** Routes testnet's last chain to UNSERVED_RELAY_CHAIN in the session's copied stack file. */
async function routeUnservedChain(session: Pick<EngineSession, "must" | "stackFile">): Promise<void> {
  const testnetDoc = parse(fs.readFileSync(session.stackFile("testnet"), "utf8")) as { config: Record<string, any> };
  const chains = testnetDoc.config[`${PROJECT}:testnetChains`] as unknown[];
  await session.must(["config", "set", "--stack", "testnet", "--path", `testnetChains[${chains.length - 1}].relayChainId`, UNSERVED_RELAY_CHAIN]);
}

/**
 * The broken case for `--negative`: prod is deployed, then testnet routes a chain prod does not
 * serve (a route that is missing). The check it breaks is "pulumi up of testnet succeeds": `ok` is
 * that check's result, and `refusedForTheRoute` says the up failed because of the route.
 */
export async function missingRouteCase(api: KubeApi, connection: KubeConnection, engineDir: string, tmp: string): Promise<{ name: string; ok: boolean; refusedForTheRoute: boolean; detail: string }> {
  const session = await engineSession(api, connection, engineDir, tmp);
  const prodUp = await session.up("prod");
  if (prodUp.status !== 0) throw new Error(`pulumi up of prod exited ${prodUp.status}: ${session.lastLine(prodUp)}`);
  await routeUnservedChain(session);
  const testnetDoc = parse(fs.readFileSync(session.stackFile("testnet"), "utf8")) as { config: Record<string, any> };
  await removeProdVolumesNamedAsTestnets(api, testnetDoc.config[`${PROJECT}:testnetChains`] as { name: string }[]);
  const testnetUp = await session.up("testnet");
  return {
    name: "pulumi up of testnet succeeds",
    ok: testnetUp.status === 0,
    refusedForTheRoute: (testnetUp.stdout + testnetUp.stderr).includes(`routes no relay chain ID ${UNSERVED_RELAY_CHAIN}`),
    detail: `testnet's last chain routed to relay chain ${UNSERVED_RELAY_CHAIN}: exit ${testnetUp.status}: ${session.lastLine(testnetUp)}`,
  };
}

async function deleteIfPresent(api: KubeApi, apiPath: string): Promise<void> {
  await api.delete(apiPath).catch((e) => { if (!(e instanceof KubeError && e.status === 404)) throw e; });
}

/** Waits for objects being deleted (finalizers: a claim until no pod uses it, a volume until no claim binds it). */
async function waitUntilGone(api: KubeApi, apiPaths: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left: string[] = [];
    for (const p of apiPaths) {
      const present = await api.get(p).then(() => true, (e) => { if (e instanceof KubeError && e.status === 404) return false; throw e; });
      if (present) left.push(p);
    }
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`still on the cluster after ${timeoutMs / 1000} s: ${left.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * prod and testnet are two GKE clusters; here they share one control plane, and prod declares
 * volumes under the names testnet's chains use. Once prod's checks are done, its volumes of those
 * names leave the cluster, so testnet's up creates its own.
 */
async function removeProdVolumesNamedAsTestnets(api: KubeApi, chains: { name: string }[]): Promise<void> {
  const paths = chains.flatMap((c) => [`/api/v1/namespaces/blockchain/persistentvolumeclaims/${c.name}-data`, `/api/v1/persistentvolumes/${c.name}-data`]);
  for (const p of paths) await deleteIfPresent(api, p);
  await waitUntilGone(api, paths);
}

/** `pulumi up` with `--json` streams the engine's events, one JSON object a line: the operations in the order they ran. */
function engineEvents(run: Run): { resOutputsEvent?: { metadata?: { op?: string; type?: string; urn?: string } } }[] {
  return run.stdout.split("\n").filter((l) => l.startsWith("{")).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}

export async function pulumiUpChecks(api: KubeApi, connection: KubeConnection, engineDir: string, tmp: string, tally: CheckTally): Promise<void> {
  const check = (name: string, ok: boolean, detail = "") => tally.check(name, ok, detail);
  const { pulumi, must, up, stackFile, lastLine, secretValues } = await engineSession(api, connection, engineDir, tmp);
  const exported = async (stack: StackName): Promise<ExportedState> => JSON.parse((await must(["stack", "export", "--stack", stack])).stdout);
  const get = async (apiPath: string): Promise<any | undefined> => api.get(apiPath).catch((e) => { if (e instanceof KubeError && e.status === 404) return undefined; throw e; });

  // --- prod ----------------------------------------------------------------------------------------
  const prodUp = await up("prod");
  check("pulumi up of prod succeeds against the local control plane", prodUp.status === 0, `exit ${prodUp.status} in ${prodUp.seconds.toFixed(0)} s${prodUp.status === 0 ? "" : `: ${lastLine(prodUp)}`}`);
  const prodConfig = (await recordStack("prod", { stackFile: stackFile("prod") })).config;
  if (!("seedPool" in prodConfig) || !prodConfig.blockchainProxy) throw new Error("prod's config has no blockchainProxy or seedPool");
  const proxyNs = prodConfig.blockchainProxy.namespace;
  const deployments = await api.get<{ items: any[] }>(`/apis/apps/v1/namespaces/${proxyNs}/deployments`);
  const proxy = deployments.items[0];
  const available = (proxy?.status?.conditions ?? []).some((c: any) => c.type === "Available" && c.status === "True");
  check("prod: the proxy's Deployment is Available on the simulated nodes", Boolean(proxy) && available, proxy ? `${proxy.metadata.name}: ${proxy.status?.readyReplicas ?? 0}/${proxy.spec.replicas} ready` : `no Deployment in ${proxyNs}`);
  const budgets = await api.get<{ items: any[] }>("/apis/policy/v1/poddisruptionbudgets");
  const seedBudget = budgets.items.find((b) => b.metadata.namespace === prodConfig.seedPool.seedNamespace);
  check("prod: the seeds' PodDisruptionBudget is on the cluster as declared", seedBudget?.spec?.minAvailable === prodConfig.seedPool.minAvailableSeeds, seedBudget ? `${seedBudget.metadata.name} minAvailable ${seedBudget.spec.minAvailable}` : "none");
  const proxyBudget = budgets.items.find((b) => b.metadata.namespace === proxyNs);
  check("prod: the proxy's PodDisruptionBudget is honoured (its pods are healthy and counted)", proxyBudget !== undefined && (proxyBudget.status?.currentHealthy ?? 0) >= (proxyBudget.status?.desiredHealthy ?? 1), proxyBudget ? `${proxyBudget.status?.currentHealthy}/${proxyBudget.status?.desiredHealthy} healthy` : "none");

  // A change made by hand that the engine prices: the proxy's internal load balancer deleted
  // (GKE deletes its forwarding rule with it). Refresh shows it gone; the preview that undoes it
  // creates it again, and infra-cost estimate prices that step: the forwarding rule comes back.
  // (A field edited by hand would not do: the provider's server-side apply then refuses the
  // preview with a field conflict, as it would on GKE.)
  const service = (await api.get<{ items: any[] }>(`/api/v1/namespaces/${proxyNs}/services`)).items.find((s) => s.spec?.type === "LoadBalancer");
  if (!service) throw new Error(`no LoadBalancer Service in ${proxyNs} after prod's up`);
  await api.delete(`/api/v1/namespaces/${proxyNs}/services/${service.metadata.name}`);
  const refresh = await pulumi(["refresh", "--stack", "prod", "--yes", "--skip-preview", "--diff"]);
  check(
    `pulumi refresh of prod shows the Service ${service.metadata.name} deleted by hand`,
    refresh.status === 0 && /- kubernetes:core\/v1:Service: \(delete\)/.test(refresh.stdout) && refresh.stdout.includes(`$kubernetes:core/v1:Service::${service.metadata.name}]`),
    `exit ${refresh.status}: ${(refresh.stdout.split("\n").find((l) => /\d+ deleted/.test(l)) ?? lastLine(refresh)).trim()}`,
  );
  // --show-sames: the digest holds the whole stack, so its estimate is the stack's bill.
  const preview = await pulumi(["preview", "--stack", "prod", "--json", "--show-sames"]);
  const previewFile = path.join(tmp, "prod-drift-preview.json");
  fs.writeFileSync(previewFile, preview.stdout);
  const steps = preview.status === 0 ? ((JSON.parse(preview.stdout).steps ?? []) as { op: string; urn: string }[]) : [];
  const undo = steps.find((s) => s.op === "create" && s.urn.endsWith(`$kubernetes:core/v1:Service::${service.metadata.name}`));
  const estimate = infraCost(["estimate", "--preview", previewFile, "--format", "json"]);
  const offline = infraCost(["review", "--stack", "prod", "--format", "json"]);
  const priced = estimate.ok ? (JSON.parse(estimate.text) as { totals: { before: number; after: number; delta: number }; resources: { urn: string; before: number | null; after: number | null }[] }) : undefined;
  const serviceLine = priced?.resources.find((r) => undo !== undefined && r.urn === undo.urn);
  const want = offline.ok ? (JSON.parse(offline.text) as { stacks: Record<string, { after: number }> }).stacks.prod.after : NaN;
  const drift = priced ? priced.totals.delta : NaN;
  check(
    "pulumi preview --json undoes the drift, and infra-cost estimate prices it: the forwarding rule comes back, the total is the offline review's",
    Boolean(undo) && drift > 0 && serviceLine !== undefined && roundMoney((serviceLine.after ?? 0) - (serviceLine.before ?? 0)) === roundMoney(drift) && roundMoney(priced!.totals.after) === roundMoney(want),
    `${undo ? "create of the Service" : `no Service create (preview exit ${preview.status}${preview.status === 0 ? "" : `: ${lastLine(preview)}`})`}; estimate ${priced ? `${money(priced.totals.before)} -> ${money(priced.totals.after)} (${drift >= 0 ? "+" : ""}${money(drift)})` : estimate.text.split("\n")[0]}, review ${money(want)}`,
  );

  // --- testnet: a chain active, then decommissioned ---------------------------------------------
  const testnetDoc = parse(fs.readFileSync(stackFile("testnet"), "utf8")) as { config: Record<string, any> };
  const chains = testnetDoc.config[`${PROJECT}:testnetChains`] as { name: string; relayChainId: string; state: string }[];
  const chain = chains[0];
  await removeProdVolumesNamedAsTestnets(api, chains);
  await must(["config", "set", "--stack", "testnet", "--path", "testnetChains[0].state", "active"]);
  // Setting a chain active again brings back the blockchain-nodes pool, which the stack's monthly
  // ceiling (sized for the decommissioned stack) rightly refuses. A user doing so raises the ceiling
  // in the same change by what the pool ceilings already budget for that pool, and so does this up.
  const policyDoc = JSON.parse(fs.readFileSync(path.join(path.dirname(stackFile("testnet")), "policies/config/testnet.json"), "utf8"));
  const poolBudget = policyDoc["nodepool-budget-ceiling"].maxMonthlyCost["blockchain-nodes"] as number;
  policyDoc["monthly-budget-ceiling"].maxMonthlyCost += poolBudget;
  fs.writeFileSync(path.join(path.dirname(stackFile("testnet")), "policies/config/testnet-chain-active.json"), JSON.stringify(policyDoc, null, 2));
  const testnetUp = await up("testnet", [], "policies/config/testnet-chain-active.json");
  check(`pulumi up of testnet (${chain.name} active) succeeds`, testnetUp.status === 0, `exit ${testnetUp.status} in ${testnetUp.seconds.toFixed(0)} s${testnetUp.status === 0 ? "" : `: ${lastLine(testnetUp)}`}`);
  const validatorsNs = testnetDoc.config[`${PROJECT}:validators`].namespace as string;
  const chainsSecret = testnetDoc.config[`${PROJECT}:validators`].chainsSecretName as string;
  const secret = await get(`/api/v1/namespaces/${validatorsNs}/secrets/${chainsSecret}`);
  const chainsJson = secret?.data?.["chains.json"] ? Buffer.from(secret.data["chains.json"], "base64").toString("utf8") : "";
  check("testnet: the validators' chains.json Secret holds prod's proxy routes, read through the real StackReference", chainsJson.includes(`${proxyNs}`) || /https?:\/\//.test(chainsJson), chainsJson ? `${JSON.parse(chainsJson).length ?? "?"} chains` : "no Secret");
  const sts = await get(`/apis/apps/v1/namespaces/blockchain/statefulsets/${chain.name}`);
  const pvc = await get(`/api/v1/namespaces/blockchain/persistentvolumeclaims/${chain.name}-data`);
  check(`testnet: ${chain.name}'s StatefulSet is Ready and its volume bound`, sts?.status?.readyReplicas === 1 && pvc?.status?.phase === "Bound", `StatefulSet ${sts?.status?.readyReplicas ?? 0}/1 ready, PVC ${pvc?.status?.phase ?? "absent"}`);

  // The decommission as a second `up`: refused while the disk is protected, then done on purpose.
  const before = await exported("testnet");
  const protectedBefore = (before.deployment.resources ?? []).filter((r) => r.protect).map((r) => r.urn);
  await must(["config", "set", "--stack", "testnet", "--path", "testnetChains[0].state", "decommissioned"]);
  // Both decommission ups stream their events (--json): the refused one already creates the
  // snapshot (creates run before deletes) and stops at the protected disk.
  const refusedDecommission = await up("testnet", ["--json"]);
  check(`testnet: decommissioning ${chain.name} without unprotecting its disk is refused (protect holds)`, refusedDecommission.status !== 0 && /protect/i.test(refusedDecommission.stdout + refusedDecommission.stderr), `exit ${refusedDecommission.status}: ${lastLine(refusedDecommission)}`);
  const diskUrn = (before.deployment.resources ?? []).find((r) => r.type === "gcp:compute/disk:Disk" && r.urn.includes(chain.name))?.urn;
  if (diskUrn) await must(["state", "unprotect", "--stack", "testnet", "--yes", diskUrn]);
  const decommission = await up("testnet", ["--json"]);
  check(`pulumi up of the decommission of ${chain.name} succeeds`, decommission.status === 0, `exit ${decommission.status} in ${decommission.seconds.toFixed(0)} s${decommission.status === 0 ? "" : `: ${lastLine(decommission)}`}`);
  const gone = await Promise.all([`/apis/apps/v1/namespaces/blockchain/statefulsets/${chain.name}`, `/api/v1/namespaces/blockchain/services/${chain.name}`, `/api/v1/namespaces/blockchain/persistentvolumeclaims/${chain.name}-data`, `/api/v1/persistentvolumes/${chain.name}-data`].map(get));
  check(`testnet: ${chain.name}'s StatefulSet, Service, claim and volume are gone from the cluster`, gone.every((g) => g === undefined), `${gone.filter((g) => g !== undefined).length} left`);
  const events = [...engineEvents(refusedDecommission), ...engineEvents(decommission)];
  const stepIndex = (op: string, type: string) => events.findIndex((e) => e.resOutputsEvent?.metadata?.op === op && e.resOutputsEvent?.metadata?.type === type);
  const snapshotCreated = stepIndex("create", "gcp:compute/snapshot:Snapshot");
  const diskDeleted = stepIndex("delete", "gcp:compute/disk:Disk");
  check(`testnet: the snapshot of ${chain.name}'s disk is created before the disk is deleted`, snapshotCreated >= 0 && diskDeleted > snapshotCreated, `snapshot created at event ${snapshotCreated}, disk deleted at ${diskDeleted}`);
  const after = await exported("testnet");
  const afterUrns = new Set((after.deployment.resources ?? []).map((r) => r.urn));
  const lost = protectedBefore.filter((urn) => urn !== diskUrn && !afterUrns.has(urn));
  check("testnet: every other protected resource is kept", lost.length === 0, lost.join(", ") || `${protectedBefore.length - (diskUrn ? 1 : 0)} kept`);

  // A testnet `up` that routes a chain through prod's proxy that prod does not serve is refused.
  await routeUnservedChain({ must, stackFile });
  const refused = await up("testnet");
  check(`a testnet up routing relay chain ${UNSERVED_RELAY_CHAIN}, which the deployed prod does not serve, is refused`, refused.status !== 0 && (refused.stdout + refused.stderr).includes(`routes no relay chain ID ${UNSERVED_RELAY_CHAIN}`), `exit ${refused.status}: ${lastLine(refused)}`);
  await must(["config", "set", "--stack", "testnet", "--path", `testnetChains[${chains.length - 1}].relayChainId`, chains[chains.length - 1].relayChainId]);

  const everything = [prodUp, testnetUp, refusedDecommission, decommission, refused, refresh, preview].map((r) => r.stdout + r.stderr).join("\n");
  const leaked = secretValues.filter((v) => everything.includes(v));
  check("no secret value appears in the CLI's output of the ups", leaked.length === 0, `${secretValues.length} secrets looked for`);
}
