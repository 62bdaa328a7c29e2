/**
 * The plan proven by the real scheduler: each simulated pool (cluster/simulatedPools.ts) is built
 * on the local control plane as kwok nodes, its pod groups as Deployments with their stated
 * requests and their disruption limits as PodDisruptionBudgets, and kube-scheduler places them.
 * Four scenarios per pool, each from a fresh start:
 * - placement: every pod scheduled on the declared node count;
 * - upgrade: GKE's surge upgrade as the pool's upgrade settings do it (a surge node added, then
 *   the old node cordoned and drained through the eviction API, which honours the budgets), node
 *   by node; no pod may be left Pending and no drain may stall at a budget;
 * - one node lost: each node in turn disappears with its pods (as the pod garbage collector
 *   removes them); every budget's minimum must stay available, and the pods waiting for room are
 *   counted;
 * - the rightsizing's model on the declared count and on one node fewer: each pod's requests with
 *   the rightsizing's headroom (opportunities/rightsizing.ts) and a group limited to one pod per
 *   node kept apart (required anti-affinity); every pod must be placed on the declared count and
 *   some left Pending on one node fewer (the count is tight, not lucky). Larger per-node limits have
 *   no scheduler equivalent and are left out, which only makes one node fewer easier to fit.
 */
import { KubeApi, KubeError } from "./kubeApi";
import { SimulatedGroup, SimulatedPool, kubeName } from "./simulatedPools";

/** The label that ties a simulated pool's nodes and pods together (two stacks both have a "system" pool). */
const SIM_POOL_LABEL = "relay-budget.local/simulated-pool";
const GROUP_LABEL = "relay-budget.local/group";
/** How long a scenario may take to settle, and a drain to get past the budgets. */
const SETTLE_TIMEOUT_MS = 90_000;
const DRAIN_TIMEOUT_MS = 60_000;
/** Tells one run's namespaces and nodes from a previous run's that may still be terminating. */
const RUN_ID = Date.now().toString(36).slice(-4);

export interface PoolProof {
  stack: string;
  pool: string;
  machineType: string;
  nodeCount: number;
  pods: number;
  placement: { placed: number; pending: number; podsPerNode: number[] };
  upgrade: { safe: boolean; pendingAfter: number; detail: string };
  nodeLost: { budgetsKept: boolean; worstWaiting: number; detail: string };
  oneFewer: { nodes: number; pending: number; headroom: number; pendingAtDeclared: number };
}

interface PodState {
  name: string;
  group: string;
  node?: string;
  ready: boolean;
  unschedulable: boolean;
  terminating: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function quantityMilli(milli: number): string {
  return `${milli}m`;
}

/** A kwok node of the pool: its machine type's capacity and GKE allocatable, its labels and taints; `simPool` ties it to one scenario. */
export function nodeObject(pool: SimulatedPool, name: string, simPool?: string): unknown {
  const resources = (r: { cpuMilli: number; memoryMi: number }) => ({ cpu: quantityMilli(r.cpuMilli), memory: `${r.memoryMi}Mi`, pods: String(110) });
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        ...pool.labels,
        ...(simPool ? { [SIM_POOL_LABEL]: simPool } : {}),
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": pool.machineType,
        type: "kwok",
      },
      // kwok manages the node (heartbeats, pod lifecycle) in place of a kubelet.
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
    },
    spec: { taints: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })) },
    status: { capacity: resources(pool.capacity), allocatable: resources(pool.allocatable) },
  };
}

function deploymentObject(pool: SimulatedPool, group: SimulatedGroup, namespace: string, simPool: string, headroom: number | undefined): unknown {
  const labels = { [GROUP_LABEL]: group.id };
  const factor = 1 + (headroom ?? 0);
  const apart = group.onePerNode || (headroom !== undefined && group.maxPerNode === 1);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: group.id, namespace, labels },
    spec: {
      replicas: group.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: { [SIM_POOL_LABEL]: simPool },
          tolerations: pool.taints.map((t) => ({ key: t.key, operator: "Equal", value: t.value, effect: t.effect })),
          ...(apart
            ? { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" }] } } }
            : {}),
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: "workload",
              // Never pulled: kwok runs no containers.
              image: "registry.invalid/simulated:1",
              resources: { requests: { cpu: quantityMilli(Math.ceil(group.cpuMilli * factor)), memory: `${Math.ceil(group.memoryMi * factor)}Mi` } },
            },
          ],
        },
      },
    },
  };
}

function budgetObject(group: SimulatedGroup, namespace: string): unknown {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: group.id, namespace },
    spec: { minAvailable: group.minAvailable, selector: { matchLabels: { [GROUP_LABEL]: group.id } } },
  };
}

/** One scenario's objects on the control plane: its own namespace, nodes and label. */
class Scenario {
  readonly namespace: string;
  readonly simPool: string;
  private nodes: string[] = [];
  private surgeCount = 0;

  constructor(
    private readonly api: KubeApi,
    readonly pool: SimulatedPool,
    scenario: string,
    /** Set: the rightsizing's model (requests with this headroom); unset: the stated requests. */
    private readonly headroom?: number,
  ) {
    this.simPool = kubeName(`${pool.stack}-${pool.pool}-${scenario}-${RUN_ID}`);
    this.namespace = this.simPool;
  }

  get expectedPods(): number {
    return this.pool.groups.reduce((sum, g) => sum + g.replicas, 0);
  }

  async addNode(name = `${this.simPool}-${this.nodes.length + this.surgeCount}`): Promise<string> {
    await this.api.post("/api/v1/nodes", nodeObject(this.pool, name, this.simPool));
    this.nodes.push(name);
    return name;
  }

  async surgeNode(): Promise<string> {
    this.surgeCount++;
    return this.addNode(`${this.simPool}-surge-${this.surgeCount}`);
  }

  nodeNames(): string[] {
    return [...this.nodes];
  }

  async start(nodeCount: number): Promise<void> {
    await this.api.post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: this.namespace } });
    for (let i = 0; i < nodeCount; i++) await this.addNode();
    for (const group of this.pool.groups) {
      if (group.minAvailable !== undefined) await this.api.post(`/apis/policy/v1/namespaces/${this.namespace}/poddisruptionbudgets`, budgetObject(group, this.namespace));
      await this.api.post(`/apis/apps/v1/namespaces/${this.namespace}/deployments`, deploymentObject(this.pool, group, this.namespace, this.simPool, this.headroom));
    }
  }

  async pods(): Promise<PodState[]> {
    const list = await this.api.get<{ items: any[] }>(`/api/v1/namespaces/${this.namespace}/pods`);
    return list.items.map((p) => ({
      name: p.metadata.name,
      group: p.metadata.labels?.[GROUP_LABEL] ?? "",
      node: p.spec.nodeName,
      ready: (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"),
      unschedulable: (p.status?.conditions ?? []).some((c: any) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable"),
      terminating: Boolean(p.metadata.deletionTimestamp),
    }));
  }

  /** Waits until every expected pod exists and is either ready or refused by the scheduler, unchanged over three polls. */
  async settle(): Promise<PodState[]> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let last = "";
    let same = 0;
    for (;;) {
      const pods = (await this.pods()).filter((p) => !p.terminating);
      const settled = pods.length === this.expectedPods && pods.every((p) => p.ready || p.unschedulable);
      const signature = pods.map((p) => `${p.name}:${p.node ?? ""}:${p.ready}`).sort().join(",");
      same = settled && signature === last ? same + 1 : 0;
      last = signature;
      if (same >= 2) return pods;
      if (Date.now() > deadline) throw new Error(`${this.simPool}: pods did not settle within ${SETTLE_TIMEOUT_MS / 1000} s (${pods.length}/${this.expectedPods} pods, ${pods.filter((p) => !p.ready && !p.unschedulable).length} neither ready nor refused)`);
      await sleep(500);
    }
  }

  async cordon(node: string): Promise<void> {
    await this.api.patch(`/api/v1/nodes/${node}`, { spec: { unschedulable: true } });
  }

  /** Drains a node through the eviction API, retrying pods a budget protects; returns why it stalled, or undefined. */
  async drain(node: string): Promise<string | undefined> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    let refusal = "";
    for (;;) {
      const onNode = (await this.pods()).filter((p) => p.node === node && !p.terminating);
      if (onNode.length === 0) return undefined;
      for (const pod of onNode) {
        try {
          await this.api.post(`/api/v1/namespaces/${this.namespace}/pods/${pod.name}/eviction`, {
            apiVersion: "policy/v1",
            kind: "Eviction",
            metadata: { name: pod.name, namespace: this.namespace },
          });
        } catch (err) {
          if (!(err instanceof KubeError) || (err.status !== 429 && err.status !== 404)) throw err;
          if (err.status === 429) refusal = err.message.replace(/^[^:]*: 429 /, "");
        }
      }
      if (Date.now() > deadline) return `drain of ${node} stalled for ${DRAIN_TIMEOUT_MS / 1000} s with ${onNode.length} pods left: ${refusal}`;
      await sleep(1000);
    }
  }

  /** Removes a node; `withPods`: its pods go too, as the pod garbage collector removes them once the node is gone (the node first, so no replacement lands on it). */
  async deleteNode(node: string, withPods: boolean): Promise<void> {
    await this.api.delete(`/api/v1/nodes/${node}`);
    this.nodes = this.nodes.filter((n) => n !== node);
    if (withPods) {
      for (const pod of (await this.pods()).filter((p) => p.node === node)) {
        await this.api.delete(`/api/v1/namespaces/${this.namespace}/pods/${pod.name}`, { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 0 });
      }
    }
  }

  /** Removes the scenario: its Deployments, budgets, pods (at once) and nodes. */
  async stop(): Promise<void> {
    for (const group of this.pool.groups) {
      await this.api.delete(`/apis/apps/v1/namespaces/${this.namespace}/deployments/${group.id}`, { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background" });
      await this.api.delete(`/apis/policy/v1/namespaces/${this.namespace}/poddisruptionbudgets/${group.id}`);
    }
    await this.api.delete(`/api/v1/namespaces/${this.namespace}/pods`, { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 0 }).catch(() => undefined);
    for (const node of this.nodeNames()) await this.deleteNode(node, true);
    await this.api.delete(`/api/v1/namespaces/${this.namespace}`);
  }
}

function podsPerNode(pods: PodState[], nodes: string[]): number[] {
  return nodes.map((n) => pods.filter((p) => p.node === n).length).sort((a, b) => b - a);
}

/** Groups whose budget is not met by the ready pods, as "group: 6 ready, budget 7". */
function budgetsBroken(pool: SimulatedPool, pods: PodState[]): string[] {
  const broken: string[] = [];
  for (const g of pool.groups) {
    if (g.minAvailable === undefined) continue;
    const ready = pods.filter((p) => p.group === g.id && p.ready).length;
    if (ready < g.minAvailable) broken.push(`${g.name}: ${ready} ready, budget ${g.minAvailable}`);
  }
  return broken;
}

async function inScenario<T>(api: KubeApi, pool: SimulatedPool, name: string, nodes: number, body: (s: Scenario, pods: PodState[]) => Promise<T>, headroom?: number): Promise<T> {
  const scenario = new Scenario(api, pool, name, headroom);
  try {
    await scenario.start(nodes);
    return await body(scenario, await scenario.settle());
  } finally {
    await scenario.stop();
  }
}

async function upgrade(scenario: Scenario): Promise<PoolProof["upgrade"]> {
  const { maxSurge } = scenario.pool.upgrade;
  for (const old of scenario.nodeNames()) {
    if (maxSurge > 0) await scenario.surgeNode();
    await scenario.cordon(old);
    const stalled = await scenario.drain(old);
    if (stalled) return { safe: false, pendingAfter: (await scenario.pods()).filter((p) => !p.node).length, detail: stalled };
    await scenario.deleteNode(old, false);
    const pending = (await scenario.settle()).filter((p) => !p.ready);
    if (pending.length > 0) return { safe: false, pendingAfter: pending.length, detail: `after replacing ${old}: ${pending.length} pods Pending` };
  }
  return { safe: true, pendingAfter: 0, detail: `${scenario.pool.nodeCount} nodes replaced one by one (surge ${maxSurge}, drained through the eviction API), no pod Pending` };
}

async function loseEachNode(scenario: Scenario): Promise<PoolProof["nodeLost"]> {
  let worstWaiting = 0;
  let worstNode = "";
  const broken: string[] = [];
  for (const node of scenario.nodeNames()) {
    await scenario.deleteNode(node, true);
    const pods = await scenario.settle();
    const waiting = pods.filter((p) => !p.ready).length;
    if (waiting > worstWaiting || worstNode === "") [worstWaiting, worstNode] = [waiting, node];
    broken.push(...budgetsBroken(scenario.pool, pods).map((b) => `${node} lost: ${b}`));
    await scenario.addNode(node);
    await scenario.settle();
  }
  return {
    budgetsKept: broken.length === 0,
    worstWaiting,
    detail: broken.length > 0 ? broken.join("; ") : `each of ${scenario.pool.nodeCount} nodes lost in turn; at worst (${worstNode}) ${worstWaiting} pods wait for room`,
  };
}

/** Runs the scenarios for one pool; `headroom` is the rightsizing's (0.2 = 20 %). */
export async function provePool(api: KubeApi, pool: SimulatedPool, headroom: number): Promise<PoolProof> {
  const pods = pool.groups.reduce((sum, g) => sum + g.replicas, 0);
  const placement = await inScenario(api, pool, "place", pool.nodeCount, async (s, settled) => ({
    placed: settled.filter((p) => p.ready).length,
    pending: settled.filter((p) => !p.ready).length,
    podsPerNode: podsPerNode(settled, s.nodeNames()),
  }));
  const upgradeResult = await inScenario(api, pool, "upgrade", pool.nodeCount, (s) => upgrade(s));
  const nodeLost = await inScenario(api, pool, "lose", pool.nodeCount, (s) => loseEachNode(s));
  const fewer = Math.max(0, pool.nodeCount - 1);
  const pendingOf = async (_s: Scenario, settled: PodState[]) => settled.filter((p) => !p.ready).length;
  const pendingAtDeclared = await inScenario(api, pool, "sized", pool.nodeCount, pendingOf, headroom);
  const pendingOneFewer = await inScenario(api, pool, "fewer", fewer, pendingOf, headroom);
  const oneFewer = { nodes: fewer, pending: pendingOneFewer, headroom, pendingAtDeclared };
  return { stack: pool.stack, pool: pool.pool, machineType: pool.machineType, nodeCount: pool.nodeCount, pods, placement, upgrade: upgradeResult, nodeLost, oneFewer };
}
