/**
 * snapshot-before-decommission (stack, mandatory): a protected data disk the program deletes has a
 * retained (protected) snapshot in the stack: a decommissioned testnet chain's disk (flipping the
 * chain back to `active` restores it), and the old disk of a disk migration at step retire
 * (graph/diskMigration.ts; the BlockchainNodeDisks component declares it). Either way, deleting
 * the disk loses no data.
 *
 * Which chains are decommissioned is read from the resource graph, not from a second list: the
 * TestnetBlockchains component declares them. A recorded graph carries the component's inputs
 * (`chains`: name, relayChainId, state, disk); the CLI's `AnalyzeStack` carries its outputs
 * (`decommissionedChains`: names). With the disk name a snapshot must be of that disk
 * (`sourceDisk`); with only the chain's name, it must carry the chain's `blockchain-node` label.
 * A stack check sees the resources the program keeps, not those it deletes: the components'
 * declarations are how the pack knows which disks go.
 */
import { COMPONENT_TYPES } from "../graph/componentTypes";
import { diskMigrationsOf } from "../graph/diskMigration";
import { RESOURCE_TYPES } from "../graph/resourceTypes";
import { definePolicy, PolicyDefinition, Violation } from "./policyDefinition";
import { definePolicyConfig } from "./policyConfig";
import { PolicyResource } from "./resourceView";
import { isPreviewUnknown, mapAt, valueAt } from "../graph/valueReader";

/** The program's component that declares each testnet chain's state (components/testnetBlockchains.ts). */
export const TESTNET_BLOCKCHAINS_TYPE = COMPONENT_TYPES.testnetBlockchains;
export const SNAPSHOT_TYPE = RESOURCE_TYPES.snapshot;

export const snapshotBeforeDecommissionConfig = definePolicyConfig({});

interface DecommissionedChain {
  name: string;
  /** What deletes the disk: a decommissioned chain, or a disk migration's retire step. */
  why?: string;
  relayChainId?: string;
  disk?: string;
  /** The component that declares it (where a violation is reported). */
  declaredBy: string;
}

/** Decommissioned chains as the TestnetBlockchains components of the graph declare them. */
export function decommissionedChains(resources: PolicyResource[]): DecommissionedChain[] {
  const chains = new Map<string, DecommissionedChain>();
  for (const component of resources.filter((r) => r.type === TESTNET_BLOCKCHAINS_TYPE)) {
    const declared = valueAt(component.props, "chains");
    if (Array.isArray(declared)) {
      for (const chain of declared as Record<string, unknown>[]) {
        if (chain?.state !== "decommissioned" || typeof chain.name !== "string") continue;
        chains.set(chain.name, {
          name: chain.name,
          relayChainId: typeof chain.relayChainId === "string" ? chain.relayChainId : undefined,
          disk: typeof chain.disk === "string" ? chain.disk : undefined,
          declaredBy: component.urn,
        });
      }
    }
    const names = valueAt(component.props, "decommissionedChains");
    if (Array.isArray(names)) {
      for (const name of names) {
        if (typeof name === "string" && !chains.has(name)) chains.set(name, { name, declaredBy: component.urn });
      }
    }
  }
  return [...chains.values()];
}

/** Old disks that disk migrations at step retire delete in this run (the BlockchainNodeDisks components' declarations). */
export function retiringDisks(resources: PolicyResource[]): DecommissionedChain[] {
  return resources
    .filter((r) => r.type === COMPONENT_TYPES.blockchainNodeDisks)
    .flatMap((component) =>
      diskMigrationsOf([{ type: component.type, inputs: component.props }])
        .filter((m) => m.retiringOldDisk)
        .map((m) => ({ name: m.blockchainNode, disk: m.disk, why: `disk migration of ${m.disk} to ${m.toType} at step retire`, declaredBy: component.urn })),
    );
}

/** "projects/p/zones/z/disks/name", a full URL or a bare name -> "name". */
function diskNameOf(sourceDisk: unknown): string | undefined {
  if (typeof sourceDisk !== "string" || isPreviewUnknown(sourceDisk)) return undefined;
  return sourceDisk.split("/").filter(Boolean).pop();
}

/** A snapshot with what ties it to a data disk, read once per check rather than once per chain. */
interface IndexedSnapshot {
  snapshot: PolicyResource;
  disk?: string;
  chainLabel?: unknown;
}

function indexSnapshot(snapshot: PolicyResource): IndexedSnapshot {
  return { snapshot, disk: diskNameOf(valueAt(snapshot.props, "sourceDisk")), chainLabel: mapAt(snapshot.props, "labels")?.["blockchain-node"] };
}

function snapshotsOf(chain: DecommissionedChain, snapshots: IndexedSnapshot[]): PolicyResource[] {
  return snapshots.filter((s) => (chain.disk ? s.disk === chain.disk : s.chainLabel === chain.name)).map((s) => s.snapshot);
}

function check(resources: PolicyResource[]): { violations: Violation[]; kept: string[] } {
  // One pass sorts out the few resources this policy reads: it runs on every resource of the stack.
  const declaring: PolicyResource[] = [];
  const snapshotResources: PolicyResource[] = [];
  for (const resource of resources) {
    if (resource.type === SNAPSHOT_TYPE) snapshotResources.push(resource);
    else if (resource.type === TESTNET_BLOCKCHAINS_TYPE || resource.type === COMPONENT_TYPES.blockchainNodeDisks) declaring.push(resource);
  }
  const violations: Violation[] = [];
  const kept: string[] = [];
  const chains = [...decommissionedChains(declaring), ...retiringDisks(declaring)];
  if (chains.length === 0) return { violations, kept };
  const snapshots = snapshotResources.map(indexSnapshot);
  for (const chain of chains) {
    const what = chain.disk ? `data disk ${chain.disk}` : "data disk";
    const candidates = snapshotsOf(chain, snapshots);
    const retained = candidates.find((s) => s.protect);
    if (retained) {
      kept.push(`${chain.why ? chain.disk : chain.name} (${retained.name})`);
    } else if (chain.why) {
      violations.push({
        urn: candidates[0]?.urn ?? chain.declaredBy,
        message: candidates.length
          ? `${chain.why}: snapshot ${candidates.map((s) => s.name).join(", ")} of the disk it deletes is not protected; a destroy or a refactor could delete the only copy of the chain's data (set protect: true).`
          : `${chain.why} deletes protected data disk ${chain.disk} (blockchain node ${chain.name}) but the stack has no snapshot of it: keep the migration's protected gcp.compute.Snapshot in the stack while the disk goes.`,
      });
    } else if (candidates.length) {
      violations.push({
        urn: candidates[0].urn,
        message: `decommissioned chain ${chain.name}: snapshot ${candidates.map((s) => s.name).join(", ")} of its ${what} is not protected; a destroy or a refactor could delete the only copy of the chain's data (set protect: true).`,
      });
    } else {
      violations.push({
        urn: chain.declaredBy,
        message: `decommissioned chain ${chain.name}${chain.relayChainId ? ` (relay chain ${chain.relayChainId})` : ""} has no snapshot of its ${what} in the stack: declare a protected gcp.compute.Snapshot of it before its disk goes.`,
      });
    }
  }
  return { violations, kept };
}

export const snapshotBeforeDecommission: PolicyDefinition<Record<string, never>> = definePolicy({
  name: "snapshot-before-decommission",
  description: "A protected data disk the program deletes (a decommissioned chain's, a migrated disk's old one) must have a retained (protected) snapshot in the stack.",
  enforcementLevel: "mandatory",
  config: snapshotBeforeDecommissionConfig as unknown as PolicyDefinition<Record<string, never>>["config"],
  checkStack: (resources) => {
    const { violations, kept } = check(resources);
    return { violations, summary: kept.length ? `protected snapshots kept for ${kept.join(", ")}` : "no data disk deleted in this stack" };
  },
});
