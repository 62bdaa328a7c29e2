/**
 * Which pods land on which node pool, read from the resource graph the program declares plus the
 * demand the config states for pods the program does not declare:
 * - declared workloads (Deployment, StatefulSet, ReplicaSet, Pod) are matched against each pool's
 *   node labels and taints: nodeSelector, required node affinity, tolerations. A workload that could
 *   land on several pools is reported as unplaced (its pods cannot be charged to one pool).
 * - pods the program does not declare (validators, blockchain nodes, system pods, prod's seeds)
 *   are stated in config per pool and carried into the graph by the PoolWorkloads component: the
 *   analysis reads them from its inputs, never from the config.
 * PodDisruptionBudgets that select a group's pods give the most pods of that group one node may
 * hold: draining a node must not evict more than the budget allows.
 */
import { POOL_WORKLOADS_TYPE, StatedPodGroup } from "../components/poolWorkloads";
import { ResourceRecord, isSecretValue, isUnknown } from "../graph/resourceRecord";
import { quantityToGib } from "../cost/rules/gcpPriceArithmetic";

export const NODE_POOL_TYPE = "gcp:container/nodePool:NodePool";
/** Where each workload kind keeps its pod spec, pod labels and replica count. */
const WORKLOAD_TYPES: Record<string, { podSpec: string; podLabels: string; replicas?: string }> = {
  "kubernetes:apps/v1:Deployment": { podSpec: "spec.template.spec", podLabels: "spec.template.metadata.labels", replicas: "spec.replicas" },
  "kubernetes:apps/v1:StatefulSet": { podSpec: "spec.template.spec", podLabels: "spec.template.metadata.labels", replicas: "spec.replicas" },
  "kubernetes:apps/v1:ReplicaSet": { podSpec: "spec.template.spec", podLabels: "spec.template.metadata.labels", replicas: "spec.replicas" },
  "kubernetes:core/v1:Pod": { podSpec: "spec", podLabels: "metadata.labels" },
};
const PDB_TYPES = new Set(["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:policy/v1beta1:PodDisruptionBudget"]);
/** GKE labels every node with its pool's name. */
export const GKE_NODEPOOL_LABEL = "cloud.google.com/gke-nodepool";
/** GKE API taint effects and their Kubernetes spelling. */
const TAINT_EFFECTS: Record<string, string> = { NO_SCHEDULE: "NoSchedule", PREFER_NO_SCHEDULE: "PreferNoSchedule", NO_EXECUTE: "NoExecute" };

/** Identical pods with one origin: a workload's replicas or the seeds the config sizes. */
export interface PodGroup {
  /** "StatefulSet blockchain/geth-goerli", "seed pod pocket/pocket-seed". */
  name: string;
  /** Where the demand was read: a declared workload, or the stated demand (PoolWorkloads) of pods the program does not declare. */
  source: "workload" | "stated";
  /** The exact origin, e.g. "config poolWorkloads.pocket-core[0], source: k8s-deployment mainnet/base/deployment.yaml". */
  from: string;
  /** Set when no source gives the figures: why they are plausible. */
  inferred?: string;
  /** The vertical pod autoscaler's cap: the largest requests one pod may be given, so one node must hold one such pod. */
  largestRequests?: { cpu: number; memoryGiB: number };
  replicas: number;
  /** Requests of one pod. */
  cpu: number;
  memoryGiB: number;
  /** Most pods of this group one node may hold, from the PodDisruptionBudget (absent: no budget). */
  maxPerNode?: number;
  /** How that limit was derived, e.g. "PodDisruptionBudget pocket-seeds: minAvailable 7 of 10 replicas". */
  disruptionBudget?: string;
}

export interface PoolPlacement {
  urn: string;
  /** The GKE pool name. */
  pool: string;
  groups: PodGroup[];
}

export interface UnplacedWorkload {
  name: string;
  reason: string;
}

export interface PodsPerPool {
  /** Pools by URN, each with the pod groups pinned to it (possibly none). */
  pools: PoolPlacement[];
  unplaced: UnplacedWorkload[];
}

interface PoolNodes {
  urn: string;
  name: string;
  labels: Record<string, string>;
  /** Taints in Kubernetes spelling (effect NoSchedule ...). */
  taints: { key: string; value: string; effect: string }[];
}

/** Plain value at a dotted path of a record's inputs (secrets revealed for matching only, never shown). */
function read(root: unknown, path: string): unknown {
  let current = root;
  for (const segment of path.split(".")) {
    if (isSecretValue(current)) current = current.value;
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return isSecretValue(current) ? current.value : current;
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

function poolNodes(record: ResourceRecord): PoolNodes {
  const name = (read(record.inputs, "name") as string | undefined) ?? record.name;
  const labels = { ...stringMap(read(record.inputs, "nodeConfig.labels")), [GKE_NODEPOOL_LABEL]: name };
  const rawTaints = read(record.inputs, "nodeConfig.taints");
  const taints = (Array.isArray(rawTaints) ? rawTaints : []).map((t) => ({
    key: String(t.key),
    value: String(t.value ?? ""),
    effect: TAINT_EFFECTS[String(t.effect)] ?? String(t.effect),
  }));
  return { urn: record.urn, name, labels, taints };
}

/** CPU cores of a Kubernetes quantity ("500m", "0.5", 2). */
export function cpuCores(quantity: unknown): number | undefined {
  if (typeof quantity === "number") return quantity;
  if (typeof quantity !== "string" || isUnknown(quantity)) return undefined;
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity.trim());
  if (!match) return undefined;
  return match[2] ? Number(match[1]) / 1000 : Number(match[1]);
}

export function memoryGiB(quantity: unknown): number | undefined {
  if (typeof quantity === "number") return quantity / 2 ** 30;
  if (typeof quantity !== "string" || isUnknown(quantity)) return undefined;
  return quantityToGib(quantity);
}

/** A pod's requests: its containers' sum, or its largest init container when that is larger (as the scheduler counts). */
function podRequests(podSpec: unknown): { cpu: number; memoryGiB: number } | string {
  const sum = (list: unknown) => {
    let cpu = 0;
    let memory = 0;
    for (const container of Array.isArray(list) ? list : []) {
      const requests = read(container, "resources.requests");
      const c = cpuCores(read(requests, "cpu") ?? 0);
      const m = memoryGiB(read(requests, "memory") ?? 0);
      if (c === undefined || m === undefined) return undefined;
      cpu += c;
      memory += m;
    }
    return { cpu, memoryGiB: memory };
  };
  const containers = sum(read(podSpec, "containers"));
  if (!containers) return "requests unknown (not a quantity, or unknown until apply)";
  let cpu = containers.cpu;
  let memory = containers.memoryGiB;
  for (const init of (read(podSpec, "initContainers") as unknown[] | undefined) ?? []) {
    const one = sum([init]);
    if (one) {
      cpu = Math.max(cpu, one.cpu);
      memory = Math.max(memory, one.memoryGiB);
    }
  }
  return { cpu, memoryGiB: memory };
}

function tolerates(tolerations: unknown, taint: { key: string; value: string; effect: string }): boolean {
  return (Array.isArray(tolerations) ? tolerations : []).some((t) => {
    const operator = t.operator ?? "Equal";
    const keyMatches = t.key === undefined || t.key === "" ? operator === "Exists" : t.key === taint.key;
    const valueMatches = operator === "Exists" || String(t.value ?? "") === taint.value;
    const effectMatches = !t.effect || t.effect === taint.effect;
    return keyMatches && valueMatches && effectMatches;
  });
}

function matchesExpression(labels: Record<string, string>, expression: { key: string; operator: string; values?: string[] }): boolean {
  const value = labels[expression.key];
  switch (expression.operator) {
    case "In":
      return value !== undefined && (expression.values ?? []).includes(value);
    case "NotIn":
      return value === undefined || !(expression.values ?? []).includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    default:
      // Gt/Lt on node labels are rare; treat as not matching rather than guess.
      return false;
  }
}

/** Whether a pod spec may schedule onto the pool's nodes (hard constraints only). */
export function podFitsPool(podSpec: unknown, pool: PoolNodes): boolean {
  const selector = stringMap(read(podSpec, "nodeSelector"));
  if (Object.entries(selector).some(([key, value]) => pool.labels[key] !== value)) return false;
  const terms = read(podSpec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
  if (Array.isArray(terms) && terms.length > 0) {
    const anyTerm = terms.some((term) => ((term?.matchExpressions as unknown[]) ?? []).every((e) => matchesExpression(pool.labels, e as never)));
    if (!anyTerm) return false;
  }
  const tolerations = read(podSpec, "tolerations");
  return pool.taints.filter((t) => t.effect !== "PreferNoSchedule").every((taint) => tolerates(tolerations, taint));
}

interface DisruptionBudget {
  name: string;
  namespace?: string;
  matchLabels: Record<string, string>;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

function disruptionBudgets(resources: ResourceRecord[]): DisruptionBudget[] {
  return resources
    .filter((r) => PDB_TYPES.has(r.type))
    .map((r) => ({
      name: (read(r.inputs, "metadata.name") as string | undefined) ?? r.name,
      namespace: read(r.inputs, "metadata.namespace") as string | undefined,
      matchLabels: stringMap(read(r.inputs, "spec.selector.matchLabels")),
      minAvailable: read(r.inputs, "spec.minAvailable") as number | string | undefined,
      maxUnavailable: read(r.inputs, "spec.maxUnavailable") as number | string | undefined,
    }));
}

/** An int-or-percent of `replicas`, rounded up as the disruption controller does. */
function scaled(value: number | string, replicas: number): number | undefined {
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  if (percent) return Math.ceil((Number(percent[1]) / 100) * replicas);
  return Number.isFinite(Number(value)) ? Number(value) : undefined;
}

/**
 * A workload of two or more replicas never has all of them on one node, budget or not: draining
 * that node would stop every replica at once, which is what running replicas guards against.
 */
export function replicatedLimit(limit: Pick<PodGroup, "maxPerNode" | "disruptionBudget">, replicas: number): Pick<PodGroup, "maxPerNode" | "disruptionBudget"> {
  if (replicas < 2 || (limit.maxPerNode !== undefined && limit.maxPerNode <= replicas - 1)) return limit;
  return { maxPerNode: replicas - 1, disruptionBudget: `${replicas} replicas: never all on one node (a drain would stop every one), so at most ${replicas - 1} per node` };
}

/** The disruption limit of pods with these labels in this namespace: the strictest budget that selects them. */
function disruptionLimit(budgets: DisruptionBudget[], namespace: string | undefined, labels: Record<string, string>, replicas: number): Pick<PodGroup, "maxPerNode" | "disruptionBudget"> {
  let limit: Pick<PodGroup, "maxPerNode" | "disruptionBudget"> = {};
  for (const budget of budgets) {
    if ((budget.namespace ?? "default") !== (namespace ?? "default")) continue;
    const selectorKeys = Object.entries(budget.matchLabels);
    if (selectorKeys.length === 0 || selectorKeys.some(([k, v]) => labels[k] !== v)) continue;
    let allowed: number | undefined;
    let how = "";
    if (budget.minAvailable !== undefined) {
      const min = scaled(budget.minAvailable, replicas);
      if (min !== undefined) {
        allowed = replicas - min;
        how = `minAvailable ${budget.minAvailable} of ${replicas} replicas`;
      }
    } else if (budget.maxUnavailable !== undefined) {
      allowed = scaled(budget.maxUnavailable, replicas);
      how = `maxUnavailable ${budget.maxUnavailable}`;
    }
    if (allowed === undefined) continue;
    allowed = Math.max(0, allowed);
    if (limit.maxPerNode === undefined || allowed < limit.maxPerNode) {
      limit = { maxPerNode: allowed, disruptionBudget: `PodDisruptionBudget ${budget.name}: ${how}, so at most ${allowed} per node` };
    }
  }
  return replicatedLimit(limit, replicas);
}

/** The stated demand the PoolWorkloads component carries in the graph: pods the program does not declare. */
function statedGroups(resources: ResourceRecord[], budgets: DisruptionBudget[]): { pool: string; group: PodGroup }[] {
  const groups: { pool: string; group: PodGroup }[] = [];
  for (const record of resources.filter((r) => r.type === POOL_WORKLOADS_TYPE)) {
    const pools = (read(record.inputs, "pools") ?? {}) as Record<string, StatedPodGroup[]>;
    for (const [pool, stated] of Object.entries(pools)) {
      for (const w of Array.isArray(stated) ? stated : []) {
        const limits: Pick<PodGroup, "maxPerNode" | "disruptionBudget">[] = [disruptionLimit(budgets, w.namespace, w.podLabels ?? {}, w.replicas)];
        const own = w.disruptionBudget;
        if (own?.minAvailable !== undefined) limits.push({ maxPerNode: Math.max(0, w.replicas - own.minAvailable), disruptionBudget: `stated PodDisruptionBudget of ${w.name}: minAvailable ${own.minAvailable} of ${w.replicas} replicas, so at most ${Math.max(0, w.replicas - own.minAvailable)} per node` });
        if (own?.maxUnavailable !== undefined) limits.push({ maxPerNode: own.maxUnavailable, disruptionBudget: `stated PodDisruptionBudget of ${w.name}: maxUnavailable ${own.maxUnavailable}, so at most ${own.maxUnavailable} per node` });
        if (w.onePerNode) limits.push({ maxPerNode: 1, disruptionBudget: `${w.name}: one pod per node (required anti-affinity)` });
        const strictest = limits.filter((l) => l.maxPerNode !== undefined).sort((a, b) => a.maxPerNode! - b.maxPerNode!)[0] ?? {};
        groups.push({
          pool,
          group: {
            name: `${w.name} (${w.namespace})`,
            source: "stated",
            from: `config ${w.configKey}, ${w.source !== undefined ? `source: ${w.source}` : `inferred: ${w.inferred}`}`,
            ...(w.inferred !== undefined ? { inferred: w.inferred } : {}),
            replicas: w.replicas,
            cpu: w.requests.cpu,
            memoryGiB: w.requests.memoryGiB,
            ...(w.verticalAutoscalerMax ? { largestRequests: { cpu: w.verticalAutoscalerMax.cpu, memoryGiB: w.verticalAutoscalerMax.memoryGiB } } : {}),
            ...strictest,
          },
        });
      }
    }
  }
  return groups;
}

export function podsPerPool(resources: ResourceRecord[]): PodsPerPool {
  const pools = resources.filter((r) => r.type === NODE_POOL_TYPE).map(poolNodes);
  const placements = new Map<string, PoolPlacement>(pools.map((p) => [p.name, { urn: p.urn, pool: p.name, groups: [] }]));
  const budgets = disruptionBudgets(resources);
  const unplaced: UnplacedWorkload[] = [];

  for (const record of resources) {
    const shape = WORKLOAD_TYPES[record.type];
    if (!shape) continue;
    const kind = record.type.split(":").pop();
    const namespace = read(record.inputs, "metadata.namespace") as string | undefined;
    const name = `${kind} ${namespace ?? "default"}/${(read(record.inputs, "metadata.name") as string | undefined) ?? record.name}`;
    const podSpec = read(record.inputs, shape.podSpec);
    const requests = podRequests(podSpec);
    if (typeof requests === "string") {
      unplaced.push({ name, reason: requests });
      continue;
    }
    const replicasValue = shape.replicas ? read(record.inputs, shape.replicas) : 1;
    const replicas = typeof replicasValue === "number" ? replicasValue : replicasValue === undefined ? 1 : Number(replicasValue);
    if (!Number.isFinite(replicas)) {
      unplaced.push({ name, reason: "replicas unknown until apply" });
      continue;
    }
    const candidates = pools.filter((pool) => podFitsPool(podSpec, pool));
    if (candidates.length !== 1) {
      unplaced.push({
        name,
        reason: candidates.length === 0 ? "no pool of the stack accepts its pods (node selector, affinity or taints)" : `may land on any of ${candidates.map((c) => c.name).join(", ")}: not charged to one pool`,
      });
      continue;
    }
    const podLabels = stringMap(read(record.inputs, shape.podLabels));
    placements.get(candidates[0].name)!.groups.push({
      name,
      source: "workload",
      from: `${name} (${read(podSpec, "nodeSelector") ? "nodeSelector" : "affinity/tolerations"})`,
      replicas,
      cpu: requests.cpu,
      memoryGiB: requests.memoryGiB,
      ...disruptionLimit(budgets, namespace, podLabels, replicas),
    });
  }

  for (const { pool, group } of statedGroups(resources, budgets)) {
    const placement = placements.get(pool);
    if (placement) placement.groups.push(group);
    else unplaced.push({ name: group.name, reason: `its pool ${pool} is not in the graph` });
  }
  return { pools: [...placements.values()], unplaced };
}
