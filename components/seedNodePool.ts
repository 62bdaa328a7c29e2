/**
 * The pocket seed node pool of prod, resized: a dedicated, tainted GKE node pool that only seed
 * pods schedule onto, and a PodDisruptionBudget so that a resize (which drains nodes) can never
 * take every seed down at once.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../graph/componentTypes";
import type { SeedPoolInputs } from "../graph/seedPool";
import { withLegacyTypeAlias } from "./componentType";
import type { NodePoolConfig } from "../config";
import { loadCatalog } from "../catalog/catalog";
import { clusterZones } from "../config";
import { nodePoolArgs, nodePoolOptions } from "./nodePoolArgs";

export interface SeedNodePoolArgs {
  /** The pool as configured (machine type, count or autoscaling, zones, boot disk). */
  pool: NodePoolConfig;
  /** Seed pods running on the pool. */
  seedReplicas: number;
  /** Seeds that stay available during voluntary disruptions (node drains). */
  minAvailableSeeds: number;
  /** Namespace of the seed pods. */
  seedNamespace: string;
  cluster: pulumi.Input<string>;
  /** The cluster's location and node locations (to count nodes across zones). */
  clusterLocation: string;
  clusterNodeLocations?: string[];
  project: string;
  labels: { team: string; env: string };
  provider: k8s.Provider;
}

/** The node label and taint seed pods select and tolerate. */
export const SEED_NODE_LABEL = { key: "pokt.network/role", value: "seed" } as const;
export const SEED_POD_SELECTOR = { "app.kubernetes.io/name": "pocket-seed" } as const;

/** The seed pool's taints: only pods that tolerate `pokt.network/role=seed` land there. */
export function seedTaints(): NodePoolConfig["taints"] {
  return [{ key: SEED_NODE_LABEL.key, value: SEED_NODE_LABEL.value, effect: "NO_SCHEDULE" }];
}

/** Nodes of the pool across its zones (the autoscaling minimum when autoscaled). */
export function seedPoolNodeCount(pool: NodePoolConfig, clusterLocation: string, clusterNodeLocations?: string[]): number {
  const zones = pool.nodeLocations ?? clusterZones({ location: clusterLocation, nodeLocations: clusterNodeLocations });
  return (pool.nodeCount ?? pool.autoscaling?.minNodeCount ?? 0) * zones.length;
}

export class SeedNodePool extends pulumi.ComponentResource {
  public readonly poolName: pulumi.Output<string>;
  /** Nodes across all zones (autoscaling minimum when autoscaled). */
  public readonly nodeCount: number;
  public readonly vcpuPerNode: number;
  public readonly memoryGbPerNode: number;

  constructor(name: string, args: SeedNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    // What the pool is for travels with it as component inputs, so the graph alone tells its readers
    // (the budget report) which pool holds the seeds, how many, and what their disruption budget keeps.
    const inputs: SeedPoolInputs = {
      poolName: args.pool.name,
      seedReplicas: args.seedReplicas,
      minAvailableSeeds: args.minAvailableSeeds,
      seedNamespace: args.seedNamespace,
      podSelector: { ...SEED_POD_SELECTOR },
    };
    super(COMPONENT_TYPES.seedNodePool, name, { ...inputs }, withLegacyTypeAlias("seedNodePool", opts));
    const shape = loadCatalog().machineTypes[args.pool.machineType];
    this.vcpuPerNode = shape.vcpu;
    this.memoryGbPerNode = shape.memoryGb;
    this.nodeCount = seedPoolNodeCount(args.pool, args.clusterLocation, args.clusterNodeLocations);

    const pool = { ...args.pool, taints: [...args.pool.taints, ...seedTaints()] };
    const nodePool = new gcp.container.NodePool(
      args.pool.name,
      nodePoolArgs(
        pool,
        { cluster: args.cluster, location: args.clusterLocation, project: args.project, nodeLabels: { [SEED_NODE_LABEL.key]: SEED_NODE_LABEL.value } },
        args.labels,
      ),
      nodePoolOptions(pool, this),
    );
    this.poolName = nodePool.name;

    new k8s.policy.v1.PodDisruptionBudget(
      "pocket-seeds",
      {
        metadata: { name: "pocket-seeds", namespace: args.seedNamespace, labels: { ...SEED_POD_SELECTOR } },
        spec: { minAvailable: args.minAvailableSeeds, selector: { matchLabels: { ...SEED_POD_SELECTOR } } },
      },
      { parent: this, provider: args.provider },
    );

    this.registerOutputs({
      poolName: this.poolName,
      nodeCount: this.nodeCount,
      vcpuPerNode: this.vcpuPerNode,
      memoryGbPerNode: this.memoryGbPerNode,
    });
  }
}
