/** The unit of demand the investigation sizes pools with: identical pods with one origin. */

/** How many pods of one group one node may hold, and why (absent: no limit). */
export interface DisruptionLimit {
  /** Most pods of this group one node may hold, from the PodDisruptionBudget (absent: no budget). */
  maxPerNode?: number;
  /** How that limit was derived, e.g. "PodDisruptionBudget pocket-seeds: minAvailable 7 of 10 replicas". */
  disruptionBudget?: string;
}

/** Identical pods with one origin: a workload's replicas or the seeds the config sizes. */
export interface PodGroup extends DisruptionLimit {
  /** "StatefulSet blockchain/geth-goerli", "seed pod pocket/pocket-seed". */
  name: string;
  /** Where the demand was read: a declared workload, or the stated demand (the `statedDemand` input of the component declaring the pool) of pods the program does not declare. */
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
}
