/**
 * Prod's blockchain node data disks as the recorded graph carries them: the BlockchainNodeDisks
 * component's inputs (components/blockchainNodeDisks.ts) say which node each disk serves. The
 * nodes' workloads run outside this program, so nothing in the graph claims the disks: the orphan
 * search reads this, never the stack config, to tell them from forgotten disks.
 */
import { COMPONENT_TYPES } from "./componentTypes";
import type { ResourceRecord } from "./resourceRecord";
import { valueAt } from "./valueReader";

/** One data disk and the blockchain node it serves. */
export interface BlockchainNodeDisk {
  diskName: string;
  blockchainNode: string;
  relayChainIds: string[];
}

/** The inputs the BlockchainNodeDisks component registers. */
export interface BlockchainNodeDisksInputs {
  disks: BlockchainNodeDisk[];
}

/** Every blockchain node data disk the graph's BlockchainNodeDisks components declare. */
export function blockchainNodeDisksOf(resources: ResourceRecord[]): BlockchainNodeDisk[] {
  return resources
    .filter((record) => record.type === COMPONENT_TYPES.blockchainNodeDisks)
    .flatMap((record) => {
      const disks = valueAt(record.inputs, "disks");
      return Array.isArray(disks) ? (disks as BlockchainNodeDisk[]) : [];
    });
}
