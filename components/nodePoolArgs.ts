/**
 * The arguments of a GKE node pool: shared by every pool the program declares (kept pools, the
 * seed pool, the testnet blockchain pool) so they all get the same safe defaults.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** A node pool the program declares: what decides its cost and where pods land. */
export interface NodePoolSpec {
  /** The GKE node pool's name. */
  name: string;
  /** Machine type of every node, e.g. e2-standard-4. */
  machineType: string;
  /** Nodes per zone; unset when the pool is autoscaled. */
  nodeCount?: number;
  /** Per-zone bounds of the cluster autoscaler; unset for a fixed count. */
  autoscaling?: { minNodeCount: number; maxNodeCount: number };
  /** Zones of the pool; default the cluster's node locations. */
  nodeLocations?: string[];
  /** Boot disk type (pd-standard, pd-balanced, pd-ssd). */
  diskType: string;
  /** Boot disk size in GB. */
  diskSizeGb: number;
  /** Spot VMs instead of on-demand. */
  spot: boolean;
  /** The cost-allocation label `component`. */
  component: string;
  /** Taints of the nodes (none: any pod may land). */
  taints: { key: string; value: string; effect: string }[];
  /** An existing pool to adopt (Pulumi `import`). */
  importId?: string;
}

/** The cost-allocation labels every billable resource carries. */
export interface CostLabels {
  team: string;
  env: string;
  component: string;
}

export interface NodePoolPlacement {
  cluster: pulumi.Input<string>;
  /** The cluster's location (zone or region). */
  location: string;
  project: string;
  /** Kubernetes node labels added to the pool's own (pods select these). */
  nodeLabels?: Record<string, string>;
}

export function nodePoolArgs(pool: NodePoolSpec, placement: NodePoolPlacement, labels: Omit<CostLabels, "component">): gcp.container.NodePoolArgs {
  const costLabels: CostLabels = { ...labels, component: pool.component };
  return {
    name: pool.name,
    project: placement.project,
    cluster: placement.cluster,
    location: placement.location,
    nodeLocations: pool.nodeLocations,
    nodeCount: pool.autoscaling ? undefined : pool.nodeCount,
    autoscaling: pool.autoscaling
      ? { minNodeCount: pool.autoscaling.minNodeCount, maxNodeCount: pool.autoscaling.maxNodeCount }
      : undefined,
    nodeConfig: {
      machineType: pool.machineType,
      diskType: pool.diskType,
      diskSizeGb: pool.diskSizeGb,
      spot: pool.spot || undefined,
      labels: { "pokt.network/pool": pool.name, ...placement.nodeLabels },
      // GCE labels on the node VMs: what the billing export groups costs by.
      resourceLabels: { ...costLabels },
      taints: pool.taints.length ? pool.taints : undefined,
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      workloadMetadataConfig: { mode: "GKE_METADATA" },
    },
    management: { autoRepair: true, autoUpgrade: true },
    // Add a node before draining one: a resize or upgrade never removes capacity first.
    upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
  };
}

/** Resource options for adopting an existing pool; autoscaled pools let the autoscaler own the count. */
export function nodePoolOptions(pool: NodePoolSpec, parent: pulumi.Resource): pulumi.CustomResourceOptions {
  return {
    parent,
    import: pool.importId,
    ignoreChanges: pool.autoscaling ? ["nodeCount"] : undefined,
  };
}
