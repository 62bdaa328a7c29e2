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

export async function pulumiUpChecks(api: KubeApi, connection: KubeConnection, engineDir: string, tmp: string, tally: CheckTally): Promise<void> {
  const check = (name: string, ok: boolean, detail = "") => tally.check(name, ok, detail);
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
  const lastLine = (run: Run) => `${run.stdout}\n${run.stderr}`.trim().split("\n").filter((l) => l.trim() && !/^\s+at /.test(l)).slice(-2).join(" | ");
  // `must` runs synchronously in order; async `pulumi` keeps the status writer running meanwhile.
  const queue: string[][] = [];
  const mustSync = (args: string[]) => queue.push(args);
  const secretValues = initStacks(project, mustSync, (value) => hidden.add(value));
  for (const args of queue) {
    const run = await pulumi(args);
    if (run.status !== 0) throw new Error(`pulumi ${words(args)} exited ${run.status}: ${lastLine(run)}`);
  }
  const must = async (args: string[]): Promise<Run> => {
    const run = await pulumi(args);
    if (run.status !== 0) throw new Error(`pulumi ${words(args)} exited ${run.status}: ${lastLine(run)}`);
    return run;
  };
  const stackFile = (stack: StackName) => path.join(project, `Pulumi.${stack}.yaml`);
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
  const up = async (stack: StackName, extra: string[] = []): Promise<Run> => {
    await nodesFor(stack).catch(() => undefined);
    const writer = setInterval(() => void writeLoadBalancerStatus(api).catch(() => undefined), 1000);
    try {
      return await pulumi(["up", "--stack", stack, "--yes", "--skip-preview", "--policy-pack", "policies", "--policy-pack-config", `policies/config/${stack}.json`, ...extra]);
    } finally {
      clearInterval(writer);
    }
  };
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

  // --- testnet: a chain active, then decommissioned ---------------------------------------------
  const testnetDoc = parse(fs.readFileSync(stackFile("testnet"), "utf8")) as { config: Record<string, any> };
  const chains = testnetDoc.config[`${PROJECT}:testnetChains`] as { name: string; relayChainId: string; state: string }[];
  const chain = chains[0];
  await must(["config", "set", "--stack", "testnet", "--path", "testnetChains[0].state", "active"]);
  const testnetUp = await up("testnet");
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
  const refusedDecommission = await up("testnet");
  check(`testnet: decommissioning ${chain.name} without unprotecting its disk is refused (protect holds)`, refusedDecommission.status !== 0 && /protect/i.test(refusedDecommission.stdout + refusedDecommission.stderr), `exit ${refusedDecommission.status}: ${lastLine(refusedDecommission)}`);
  const diskUrn = (before.deployment.resources ?? []).find((r) => r.type === "gcp:compute/disk:Disk" && r.urn.includes(chain.name))?.urn;
  if (diskUrn) await must(["state", "unprotect", "--stack", "testnet", "--yes", diskUrn]);
  const eventLog = path.join(tmp, "decommission-events.json");
  const decommission = await up("testnet", ["--event-log", eventLog]);
  check(`pulumi up of the decommission of ${chain.name} succeeds`, decommission.status === 0, `exit ${decommission.status} in ${decommission.seconds.toFixed(0)} s${decommission.status === 0 ? "" : `: ${lastLine(decommission)}`}`);
  const gone = await Promise.all([`/apis/apps/v1/namespaces/blockchain/statefulsets/${chain.name}`, `/api/v1/namespaces/blockchain/services/${chain.name}`, `/api/v1/namespaces/blockchain/persistentvolumeclaims/${chain.name}-data`, `/api/v1/persistentvolumes/${chain.name}-data`].map(get));
  check(`testnet: ${chain.name}'s StatefulSet, Service, claim and volume are gone from the cluster`, gone.every((g) => g === undefined), `${gone.filter((g) => g !== undefined).length} left`);
  const events = fs.existsSync(eventLog) ? fs.readFileSync(eventLog, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
  const stepIndex = (op: string, type: string) => events.findIndex((e) => e.resOutputsEvent?.metadata?.op === op && e.resOutputsEvent?.metadata?.type === type);
  const snapshotCreated = stepIndex("create", "gcp:compute/snapshot:Snapshot");
  const diskDeleted = stepIndex("delete", "gcp:compute/disk:Disk");
  check(`testnet: the snapshot of ${chain.name}'s disk is created before the disk is deleted`, snapshotCreated >= 0 && diskDeleted > snapshotCreated, `snapshot created at event ${snapshotCreated}, disk deleted at ${diskDeleted}`);
  const after = await exported("testnet");
  const afterUrns = new Set((after.deployment.resources ?? []).map((r) => r.urn));
  const lost = protectedBefore.filter((urn) => urn !== diskUrn && !afterUrns.has(urn));
  check("testnet: every other protected resource is kept", lost.length === 0, lost.join(", ") || `${protectedBefore.length - (diskUrn ? 1 : 0)} kept`);

  // A testnet `up` that routes a chain through prod's proxy that prod does not serve is refused.
  const unserved = "9999";
  await must(["config", "set", "--stack", "testnet", "--path", `testnetChains[${chains.length - 1}].relayChainId`, unserved]);
  const refused = await up("testnet");
  check(`a testnet up routing relay chain ${unserved}, which the deployed prod does not serve, is refused`, refused.status !== 0 && (refused.stdout + refused.stderr).includes(`routes no relay chain ID ${unserved}`), `exit ${refused.status}: ${lastLine(refused)}`);
  await must(["config", "set", "--stack", "testnet", "--path", `testnetChains[${chains.length - 1}].relayChainId`, chains[chains.length - 1].relayChainId]);

  // A change made by hand: refresh shows it, and the preview that undoes it is priced.
  const replicas = proxy?.spec?.replicas ?? 1;
  await api.patch(`/apis/apps/v1/namespaces/${proxyNs}/deployments/${proxy.metadata.name}`, { spec: { replicas: replicas + 1 } });
  const refresh = await pulumi(["refresh", "--stack", "prod", "--yes", "--skip-preview", "--diff"]);
  check("pulumi refresh of prod shows the Deployment scaled by hand", refresh.status === 0 && /update|~/.test(refresh.stdout) && refresh.stdout.includes(String(replicas + 1)), `exit ${refresh.status}: ${(refresh.stdout.split("\n").find((l) => l.includes("replicas")) ?? lastLine(refresh)).trim()}`);
  const preview = await pulumi(["preview", "--stack", "prod", "--json"]);
  const previewFile = path.join(tmp, "prod-drift-preview.json");
  fs.writeFileSync(previewFile, preview.stdout);
  const steps = preview.status === 0 ? ((JSON.parse(preview.stdout).steps ?? []) as { op: string; urn: string }[]) : [];
  const undo = steps.find((s) => s.op === "update" && s.urn.includes("Deployment"));
  const estimate = infraCost(["estimate", "--preview", previewFile, "--format", "json"]);
  const offline = infraCost(["review", "--stack", "prod", "--format", "json"]);
  const got = estimate.ok ? (JSON.parse(estimate.text) as { totals: { after: number } }).totals.after : NaN;
  const want = offline.ok ? (JSON.parse(offline.text) as { stacks: Record<string, { after: number }> }).stacks.prod.after : NaN;
  check("pulumi preview --json of the drift undoes it, and infra-cost estimate prices it as the offline review", Boolean(undo) && roundMoney(got) === roundMoney(want), `${undo ? "update of the Deployment" : "no Deployment update"}; estimate ${money(got)}, review ${money(want)}`);

  const everything = [prodUp, testnetUp, refusedDecommission, decommission, refused, refresh, preview].map((r) => r.stdout + r.stderr).join("\n");
  const leaked = secretValues.filter((v) => everything.includes(v));
  check("no secret value appears in the CLI's output of the ups", leaked.length === 0, `${secretValues.length} secrets looked for`);
}
