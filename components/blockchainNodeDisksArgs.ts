/**
 * The arguments of the BlockchainNodeDisks component (components/blockchainNodeDisks.ts): prod's
 * blockchain node data disks, the static volumes the nodes mount them through, and each disk's
 * move to another type. program/program.ts maps the stack config onto these.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { AppliedDiskMigration, DiskMigrationStep } from "../graph/diskMigration";

/** A persistent data disk the program declares. */
export interface DataDiskSpec {
  /** The GCE disk's name. */
  name: string;
  /** pd-standard, pd-balanced or pd-ssd. */
  type: string;
  /** Size in GB. */
  sizeGb: number;
  /** Zone of the disk; default the component's default zone. */
  zone?: string;
  /** An existing disk to adopt (Pulumi `import`). */
  importId?: string;
}

/** A data disk's move to another disk type, at the step this stack file declares (graph/diskMigration.ts). */
export interface DiskMigrationSpec {
  /** The disk type the disk moves to. */
  toType: string;
  /** copy, switch or retire: one `pulumi up` each, in that order. */
  step: DiskMigrationStep;
  /** The new disk's name (resolved: the configured one or the default). */
  newDiskName: string;
  /** Keep the copy's snapshot; false, once retire is applied, deletes it. */
  keepSnapshot: boolean;
}

/** A blockchain node's data disk, optionally moving to another type. */
export interface BlockchainNodeDiskSpec extends DataDiskSpec {
  /** Absent: the disk stays as it is. */
  migration?: DiskMigrationSpec;
}

/** The static PersistentVolume and claim a node's pod mounts its data disk through. */
export interface DataVolumeSpec {
  /** The claim the node's pod mounts; default `<node>-data`. */
  claimName?: string;
  /** The PersistentVolume of the disk as it exists today; default the disk's name. */
  persistentVolumeName?: string;
  /** Adopt the existing volume and claim (Pulumi `import`). */
  importExisting: boolean;
}

/** One blockchain node's data: the disk and the volume it is mounted through. */
export interface BlockchainNodeDataSpec {
  /** The blockchain node's name. */
  blockchainNode: string;
  /** The relay chains the node serves. */
  relayChainIds: string[];
  /** The node's namespace (its claim's). */
  namespace: string;
  disk: BlockchainNodeDiskSpec;
  volume: DataVolumeSpec;
}

export interface BlockchainNodeDisksArgs {
  /** The GCP project id. */
  project: string;
  /** Zone a disk lives in when it names none (the cluster's zone). */
  defaultZone: string;
  /** Each blockchain node's data disk and the volume it is mounted through. */
  nodes: BlockchainNodeDataSpec[];
  /** team and env cost-allocation labels. */
  labels: { team: string; env: string };
  /** Old disk name -> what the stack's last `pulumi up` applied of its migration (program/appliedDiskMigrations.ts checked the step). */
  appliedMigrations: Record<string, AppliedDiskMigration>;
  /** The cluster's Kubernetes provider (the volumes and claims). */
  provider: k8s.Provider;
}
