/**
 * Which declared resource a billed line belongs to, the way the bill is keyed: the stack by project
 * id and cluster, then, in order, the resource's GCP name (`resource.name` / `resource.global_name`,
 * FOCUS `ResourceName` / `ResourceId`), GKE's node-pool labels on the node VMs, the program's own
 * cost labels, the cluster fee by cluster. What matches nothing is "not declared by the program",
 * kept by service and SKU. Taxes, adjustments and rounding errors stay apart from usage.
 */
import type { BilledLine } from "./billedLine";
import type { BillableKind, DeclaredResource, DeclaredStack } from "./declaredResources";

/** How a line was matched (the report says it, so a surprising match can be checked). */
export type MatchRule = "resource name" | "node pool labels" | "cost labels" | "cluster fee" | "forwarding rule SKU";

export type Attribution =
  | { kind: "resource"; stack: DeclaredStack; resource: DeclaredResource; rule: MatchRule }
  /** Usage of the stack's project (and cluster) that no declared resource explains. */
  | { kind: "undeclared"; stack: DeclaredStack }
  /** `cost_type` tax, adjustment or rounding_error of the stack's project. */
  | { kind: "charge"; stack: DeclaredStack; costType: string }
  /** A project no stack declares. */
  | { kind: "other project" };

/** The collection segment of a `resource.global_name` for each kind (`//compute.googleapis.com/projects/p/zones/z/disks/NAME`). */
const GLOBAL_NAME_COLLECTION: Record<BillableKind, string> = {
  disk: "disks",
  snapshot: "snapshots",
  address: "addresses",
  forwardingRule: "forwardingRules",
  cluster: "clusters",
  nodePool: "nodePools",
};

export function attribute(line: BilledLine, stacks: DeclaredStack[]): Attribution {
  const stack = stacks.find((candidate) => candidate.projectId === line.projectId);
  if (!stack) return { kind: "other project" };
  if (line.costType !== null && line.costType !== "regular") return { kind: "charge", stack, costType: line.costType };
  // Another cluster in the same project is not this stack's.
  if (line.clusterLabel !== null && line.clusterLabel !== stack.clusterName) return { kind: "undeclared", stack };
  const match = matchResource(line, stack);
  return match ? { kind: "resource", stack, ...match } : { kind: "undeclared", stack };
}

function matchResource(line: BilledLine, stack: DeclaredStack): { resource: DeclaredResource; rule: MatchRule } | undefined {
  const named = stack.resources.find((resource) => resource.kind !== "nodePool" && namesResource(line, resource));
  if (named) return { resource: named, rule: "resource name" };

  if (line.clusterLabel === stack.clusterName && line.nodePoolLabel !== null) {
    const pool = stack.resources.find((resource) => resource.kind === "nodePool" && resource.name === line.nodePoolLabel);
    if (pool) return { resource: pool, rule: "node pool labels" };
  }

  const labelled = byCostLabels(line, stack);
  if (labelled) return { resource: labelled, rule: "cost labels" };

  if (line.service === "Kubernetes Engine" && (line.clusterLabel === stack.clusterName || line.resourceName === stack.clusterName)) {
    const cluster = stack.resources.find((resource) => resource.kind === "cluster");
    if (cluster) return { resource: cluster, rule: "cluster fee" };
  }

  // GKE names a LoadBalancer Service's forwarding rule itself, and the bill charges rules per project:
  // the SKU is the stack's one declared forwarding rule's when there is exactly one.
  if (/forwarding rule/i.test(line.skuDescription ?? "")) {
    const rules = stack.resources.filter((resource) => resource.kind === "forwardingRule");
    if (rules.length === 1) return { resource: rules[0], rule: "forwarding rule SKU" };
  }
  return undefined;
}

/** The line's resource name is the resource's GCP name, or its global name ends in the kind's collection and that name. */
function namesResource(line: BilledLine, resource: DeclaredResource): boolean {
  if (line.resourceName === resource.name && kindFitsService(line, resource.kind)) return true;
  const segments = (line.resourceGlobalName ?? "").split("/");
  return segments.length >= 2 && segments[segments.length - 1] === resource.name && segments[segments.length - 2] === GLOBAL_NAME_COLLECTION[resource.kind];
}

/** A bare name is only trusted within the service that bills the kind (a disk and a bucket may share a name). */
function kindFitsService(line: BilledLine, kind: BillableKind): boolean {
  return kind === "cluster" ? line.service === "Kubernetes Engine" : line.service === "Compute Engine";
}

/**
 * The program's own cost labels when the name is absent (the standard export has no resource
 * columns): a disk or snapshot by its `blockchain-node` label, a node pool's VMs by `component`.
 * Only an unambiguous match counts, and env/team must agree where the row carries them.
 */
function byCostLabels(line: BilledLine, stack: DeclaredStack): DeclaredResource | undefined {
  if (line.componentLabel === null) return undefined;
  const agrees = (resource: DeclaredResource) =>
    resource.labels.component === line.componentLabel &&
    (line.envLabel === null || resource.labels.env === line.envLabel) &&
    (line.teamLabel === null || resource.labels.team === line.teamLabel);
  if (line.blockchainNodeLabel !== null) {
    const storage = stack.resources.filter((resource) => (resource.kind === "disk" || resource.kind === "snapshot") && agrees(resource) && resource.labels["blockchain-node"] === line.blockchainNodeLabel);
    const isSnapshotSku = /snapshot/i.test(line.skuDescription ?? "");
    const fitting = storage.filter((resource) => (resource.kind === "snapshot") === isSnapshotSku);
    return fitting.length === 1 ? fitting[0] : undefined;
  }
  const pools = stack.resources.filter((resource) => resource.kind === "nodePool" && agrees(resource));
  return pools.length === 1 ? pools[0] : undefined;
}
