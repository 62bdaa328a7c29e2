/**
 * The type tokens of the provider resources the readers of a graph look for (the cost engine's
 * rules, the savings investigation, the budget report, the policy pack), written once. A leaf
 * module: no provider SDK is loaded to compare a record's type.
 */
export const RESOURCE_TYPES = {
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  disk: "gcp:compute/disk:Disk",
  regionDisk: "gcp:compute/regionDisk:RegionDisk",
  snapshot: "gcp:compute/snapshot:Snapshot",
  address: "gcp:compute/address:Address",
  globalAddress: "gcp:compute/globalAddress:GlobalAddress",
  forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
  globalForwardingRule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  instance: "gcp:compute/instance:Instance",
  instanceTemplate: "gcp:compute/instanceTemplate:InstanceTemplate",
  k8sService: "kubernetes:core/v1:Service",
  k8sPersistentVolumeClaim: "kubernetes:core/v1:PersistentVolumeClaim",
  k8sPersistentVolume: "kubernetes:core/v1:PersistentVolume",
  k8sDeployment: "kubernetes:apps/v1:Deployment",
  k8sStatefulSet: "kubernetes:apps/v1:StatefulSet",
  k8sReplicaSet: "kubernetes:apps/v1:ReplicaSet",
  k8sPod: "kubernetes:core/v1:Pod",
  k8sConfigMap: "kubernetes:core/v1:ConfigMap",
} as const;

/** A GKE node pool: what rightsizing, spot, commitments, the report and the ceilings read. */
export const NODE_POOL_TYPE = RESOURCE_TYPES.nodePool;

/** Zonal and regional persistent disks. */
export const DISK_TYPES: ReadonlySet<string> = new Set([RESOURCE_TYPES.disk, RESOURCE_TYPES.regionDisk]);

/** Static IP addresses, regional and global. */
export const ADDRESS_TYPES: ReadonlySet<string> = new Set([RESOURCE_TYPES.address, RESOURCE_TYPES.globalAddress]);

/** Forwarding rules, regional and global. */
export const FORWARDING_RULE_TYPES: ReadonlySet<string> = new Set([RESOURCE_TYPES.forwardingRule, RESOURCE_TYPES.globalForwardingRule]);
