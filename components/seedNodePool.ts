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
import type { StatedDemand } from "../graph/statedPodGroup";
import { poolNodeCount } from "../sizing/nodePoolSize";
import { withLegacyTypeAlias } from "./componentType";
import { NodePoolSpec, nodePoolArgs, nodePoolOptions } from "./nodePoolArgs";

export interface SeedNodePoolArgs {
  /** The pool (machine type, count or autoscaling, zones, boot disk); the seed taint is added to its taints. */
  pool: NodePoolSpec;
  /** vCPUs and memory (GB) of one node of the pool's machine type, from the price catalog. */
  machine: { vcpu: number; memoryGb: number };
  /** Seed pods running on the pool. */
  seedReplicas: number;
  /** Seeds that stay available during voluntary disruptions (node drains). */
  minAvailableSeeds: number;
  /** Namespace of the seed pods. */
  seedNamespace: string;
  cluster: pulumi.Input<string>;
  /** The cluster's location (zone or region). */
  clusterLocation: string;
  /** The zones the cluster's nodes run in (the pool's, unless it names its own). */
  clusterZones: string[];
  project: string;
  labels: { team: string; env: string };
  /** The seed pods and any other pods stated for the pool, as the graph carries them for the investigation. */
  statedDemand: StatedDemand;
  provider: k8s.Provider;
}

/** The node label and taint seed pods select and tolerate. */
export const SEED_NODE_LABEL = { key: "pokt.network/role", value: "seed" } as const;
export const SEED_POD_SELECTOR = { "app.kubernetes.io/name": "pocket-seed" } as const;

/** The seed pool's taints: only pods that tolerate `pokt.network/role=seed` land there. */
export function seedTaints(): NodePoolSpec["taints"] {
  return [{ key: SEED_NODE_LABEL.key, value: SEED_NODE_LABEL.value, effect: "NO_SCHEDULE" }];
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
    const { provider: _provider, ...serialisable } = args;
    super(COMPONENT_TYPES.seedNodePool, name, { ...serialisable, ...inputs }, withLegacyTypeAlias("seedNodePool", opts));
    this.vcpuPerNode = args.machine.vcpu;
    this.memoryGbPerNode = args.machine.memoryGb;
    this.nodeCount = poolNodeCount(args.pool, args.clusterZones);

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
      // Again as an output: the engine keeps a local component's outputs, not its args (graph/statedPodGroup.ts).
      statedDemand: args.statedDemand,
    });
  }
}
