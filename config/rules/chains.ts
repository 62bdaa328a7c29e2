/**
 * The chains and their disks: prod's blockchain nodes and testnet's chains have unique names and
 * relay chain IDs, each a disk of its own (a disk mounts read-write on one node) of a type offered
 * in the region and in a zone the cluster's nodes run in; a decommissioned testnet chain needs the
 * validators' proxy password.
 */
import type { PriceCatalog } from "../../catalog/catalog";
import { diskTypeOffered } from "../../catalog/catalog";
import type { DiskConfig } from "../clusterSchema";
import type { ProdConfig, StackConfig, TestnetConfig } from "../stackSchemas";
import { resourcesProblem } from "./containerResources";
import { zoneProblem } from "./zones";
import { diskMigrationProblem } from "../diskMigrationSchema";

export function chainsProblem(config: StackConfig, catalog: PriceCatalog, clusterZones: string[]): string | undefined {
  const own = config.stack === "prod" ? blockchainNodesProblem(config, catalog) ?? migrationsProblem(config, catalog) : testnetChainsProblem(config, catalog);
  if (own) return own;
  const [key, disks] = config.stack === "prod" ? ["blockchainNodes", config.blockchainNodes.map((n) => n.disk)] : ["testnetChains", config.testnetChains.map((c) => c.disk)];
  return disksProblem(key as string, disks as DiskConfig[], config.cluster.name, clusterZones) ?? (config.stack === "testnet" ? validatorPasswordProblem(config) : undefined);
}

/** A data disk's move to another type (issue 22): target type, step order, the copy's name. */
function migrationsProblem(config: ProdConfig, catalog: PriceCatalog): string | undefined {
  return diskMigrationProblem(config.blockchainNodes.map((node, i) => ({ key: `blockchainNodes[${i}].disk`, disk: node.disk })), config.region, catalog);
}

function blockchainNodesProblem(config: ProdConfig, catalog: PriceCatalog): string | undefined {
  const names = new Set<string>();
  const relayChainIds = new Set<string>();
  for (const [i, node] of config.blockchainNodes.entries()) {
    if (names.has(node.name)) return `blockchainNodes[${i}].name ${JSON.stringify(node.name)} is used by another blockchain node (names must be unique)`;
    names.add(node.name);
    for (const id of node.relayChainIds) {
      if (relayChainIds.has(id.toLowerCase())) return `blockchainNodes[${i}].relayChainIds ${JSON.stringify(id)} is served by another blockchain node (relay chain IDs must be unique)`;
      relayChainIds.add(id.toLowerCase());
    }
    const bad = diskProblem(`blockchainNodes[${i}].disk`, node.disk, config.region, catalog);
    if (bad) return bad;
  }
  return undefined;
}

function testnetChainsProblem(config: TestnetConfig, catalog: PriceCatalog): string | undefined {
  const names = new Set<string>();
  const relayChainIds = new Set<string>();
  for (const [i, chain] of config.testnetChains.entries()) {
    if (names.has(chain.name)) return `testnetChains[${i}].name ${JSON.stringify(chain.name)} is used by another chain (names must be unique)`;
    names.add(chain.name);
    if (relayChainIds.has(chain.relayChainId.toLowerCase())) {
      return `testnetChains[${i}].relayChainId ${JSON.stringify(chain.relayChainId)} is used by another chain (relay chain IDs must be unique)`;
    }
    relayChainIds.add(chain.relayChainId.toLowerCase());
    const bad = diskProblem(`testnetChains[${i}].disk`, chain.disk, config.region, catalog) ?? resourcesProblem(`testnetChains[${i}].resources`, chain.resources);
    if (bad) return bad;
  }
  return undefined;
}

function diskProblem(key: string, disk: DiskConfig, region: string, catalog: PriceCatalog): string | undefined {
  if (!diskTypeOffered(catalog, disk.type, region)) return `${key}.type ${JSON.stringify(disk.type)} is not a disk type offered in ${region}`;
  return disk.zone ? zoneProblem(`${key}.zone`, disk.zone, region) : undefined;
}

/** Every disk in a zone of the cluster's nodes, and each its own. */
function disksProblem(key: string, disks: DiskConfig[], clusterName: string, zones: string[]): string | undefined {
  for (const [i, disk] of disks.entries()) {
    if (disk.zone !== undefined && !zones.includes(disk.zone)) {
      return `${key}[${i}].disk.zone ${JSON.stringify(disk.zone)} is not a zone of cluster ${clusterName} (its nodes run in ${zones.join(", ")}; a pod cannot mount a disk of another zone)`;
    }
    const other = disks.findIndex((d, j) => j < i && (d.name === disk.name || (disk.importId !== undefined && d.importId === disk.importId)));
    if (other !== -1) {
      const same = disks[other].name === disk.name ? `name ${JSON.stringify(disk.name)}` : `importId ${JSON.stringify(disk.importId)}`;
      return `${key}[${i}].disk has the ${same} of ${key}[${other}].disk (each needs its own disk: a disk mounts read-write on one node)`;
    }
  }
  return undefined;
}

function validatorPasswordProblem(config: TestnetConfig): string | undefined {
  const decommissioned = config.testnetChains.some((c) => c.state === "decommissioned");
  if (decommissioned && config.validatorProxyPassword === undefined) {
    return `validatorProxyPassword is required when a chain is decommissioned (pulumi config set --secret validatorProxyPassword ...)`;
  }
  return undefined;
}
