/**
 * What a resource is, as far as the bill goes: the typed shape a reader (cost/readers/, one per
 * resource type) makes of a resource's provider attributes, and a pricer (cost/pricers/, one per
 * shape) turns into cost components. Infracost splits its Google rules the same way
 * (internal/providers/terraform/google reads attributes into a struct, internal/resources/google
 * prices the struct), so a "what if" is a changed shape priced again, never rewritten IaC inputs.
 *
 * A leaf module (no imports), like cost/model.ts: the rightsizing, the budget report and the
 * policy pack's ceilings read these shapes without depending on the readers.
 */

/** The boot disk each machine of a group has. */
export interface BootDiskShape {
  /** Persistent disk type as the catalog names it: pd-standard, pd-balanced, pd-ssd ... */
  diskType: string;
  diskGb: number;
}

/** An autoscaler's bounds, as declared (per zone, or over all zones). */
export interface AutoscalingBounds {
  minPerZone?: number;
  maxPerZone?: number;
  totalMin?: number;
  totalMax?: number;
}

/** Identical machines that run all month: a GKE node pool, a cluster's default or inline pool, a VM. */
export interface MachineGroupShape {
  kind: "machineGroup";
  /** A catalog machine type, or a custom one (custom-4-8192, n2-custom-...). */
  machineType: string;
  region: string;
  zones: number;
  /** Machines billed: the fixed count, or an autoscaled pool's minimum, over all zones. */
  nodes: number;
  /** An autoscaled group's maximum over all zones: shown as a range, never billed. */
  nodesMax?: number;
  autoscaling?: AutoscalingBounds;
  spot: boolean;
  /** Undefined when the boot disk is a Disk resource of the graph, priced by its own reader. */
  bootDisk?: BootDiskShape;
  /** Local SSD partitions (375 GiB each) per machine. */
  localSsdCount: number;
  /** The machine type came from a secret: summaries show "[secret]". */
  machineTypeIsSecret?: boolean;
  /** Where the machine type was read ("nodeConfig.machineType"), named when no catalog prices it. */
  machineTypeField?: string;
}

/** A GKE cluster: the management fee, and the node groups the cluster resource itself creates. */
export interface GkeClusterShape {
  kind: "gkeCluster";
  region: string;
  autopilot: boolean;
  /** The default pool (label "default pool") or the inline `nodePools`; separate NodePool resources are their own shapes. */
  nodeGroups: { label: string; group: MachineGroupShape; assumptions: string[] }[];
}

/** Persistent disk storage: a Disk, a RegionDisk, a snapshot, a PVC's provisioned disk. */
export interface DiskStorageShape {
  kind: "diskStorage";
  /** The catalog's price line: pd-ssd, regional-pd-ssd, snapshot, ... */
  diskType: string;
  /** A RegionDisk: a type change keeps the regional price line. */
  regional: boolean;
  diskGb: number;
  /** How many such disks (a StatefulSet claim template: one per replica). */
  copies: number;
  region: string;
  /** What the storage is, in the component's name: "Storage", "Snapshot storage", "Persistent disk". */
  label: string;
  /** The size came from a secret: summaries show "[secret]". */
  sizeIsSecret?: boolean;
  /** The Kubernetes storage class that provisions it (PVCs). */
  storageClass?: string;
}

/** A StatefulSet's volume claim templates: one disk per replica for each template. */
export interface VolumeClaimsShape {
  kind: "volumeClaims";
  replicas: number;
  claims: DiskStorageShape[];
}

/** A forwarding rule (its own resource, or the one a LoadBalancer Service makes GKE create). */
export interface ForwardingRuleShape {
  kind: "forwardingRule";
  region: string;
  /** 1-based position among the graph's forwarding rules of the region: the first five share one minimum charge. */
  ordinal: number;
}

/** A reserved external IP address. */
export interface StaticAddressShape {
  kind: "staticAddress";
  region: string;
  /** Something uses it (in-use rate) or nothing does (the higher reserved-unused rate). */
  inUse: boolean;
}

export type ResourceShape = MachineGroupShape | GkeClusterShape | DiskStorageShape | VolumeClaimsShape | ForwardingRuleShape | StaticAddressShape;
