/**
 * The data disks of prod's blockchain nodes, adopted and protected: they hold chains that take
 * weeks to sync, and they are most of the cluster's storage bill.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../graph/componentTypes";
import type { BlockchainNodeDisksInputs } from "../graph/blockchainNodeDisks";
import { withLegacyTypeAlias } from "./componentType";

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

export interface BlockchainNodeDisksArgs {
  project: string;
  /** Zone a disk lives in when its config names none (the cluster's zone). */
  defaultZone: string;
  /** Blockchain node name (and the relay chains it serves) -> its data disk. */
  disks: { blockchainNode: string; relayChainIds: string[]; disk: DataDiskSpec }[];
  labels: { team: string; env: string };
}

/** Labels of a blockchain node's data disk: cost allocation plus which node it serves. */
export function dataDiskLabels(labels: { team: string; env: string }, blockchainNode: string): Record<string, string> {
  return { ...labels, component: "blockchain-nodes", "blockchain-node": blockchainNode };
}

export class BlockchainNodeDisks extends pulumi.ComponentResource {
  public readonly diskIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: BlockchainNodeDisksArgs, opts?: pulumi.ComponentResourceOptions) {
    // Which node each disk serves travels with the disks as component inputs: the nodes' workloads
    // run outside this program, and the graph alone must tell a reader these disks are in use.
    const inputs: BlockchainNodeDisksInputs = {
      disks: args.disks.map(({ blockchainNode, relayChainIds, disk }) => ({ diskName: disk.name, blockchainNode, relayChainIds: [...relayChainIds] })),
    };
    super(COMPONENT_TYPES.blockchainNodeDisks, name, { ...inputs }, withLegacyTypeAlias("blockchainNodeDisks", opts));
    for (const { blockchainNode, disk } of args.disks) {
      const created = new gcp.compute.Disk(
        disk.name,
        {
          name: disk.name,
          project: args.project,
          zone: disk.zone ?? args.defaultZone,
          type: disk.type,
          size: disk.sizeGb,
          labels: dataDiskLabels(args.labels, blockchainNode),
        },
        { parent: this, import: disk.importId, protect: true },
      );
      this.diskIds[blockchainNode] = created.id;
    }
    this.registerOutputs({ diskIds: this.diskIds });
  }
}
