/**
 * Where a resource's settings live in Pulumi.<stack>.yaml, so an opportunity can name the exact
 * key to edit: a node pool by its GKE name, a data disk by its GCE name. The config is the one
 * model; this only reads it.
 */
import { PROJECT, StackConfig } from "../config";
import { ConfigChange, ConfigEdit } from "./opportunity";

/** The config key path of the node pool named `poolName` ("seedPool", "nodePools[1]"), if config declares it. */
export function nodePoolConfigKey(config: StackConfig, poolName: string): string | undefined {
  const index = config.nodePools.findIndex((pool) => pool.name === poolName);
  if (index >= 0) return `nodePools[${index}]`;
  if (config.stack === "prod" && config.seedPool.name === poolName) return "seedPool";
  if (config.stack === "testnet" && config.testnetBlockchainPool.name === poolName) return "testnetBlockchainPool";
  return undefined;
}

/** The config key path of the data disk named `diskName` ("blockchainNodes[0].disk", "testnetChains[2].disk"). */
export function diskConfigKey(config: StackConfig, diskName: string): string | undefined {
  if (config.stack === "prod") {
    const index = config.blockchainNodes.findIndex((node) => node.disk.name === diskName);
    return index >= 0 ? `blockchainNodes[${index}].disk` : undefined;
  }
  const index = config.testnetChains.findIndex((chain) => chain.disk.name === diskName);
  return index >= 0 ? `testnetChains[${index}].disk` : undefined;
}

/** The `pulumi config` line that makes one edit (with --path, integers and true/false are stored typed). */
function commandFor(stack: string, key: string, value: ConfigEdit["value"]): string {
  if (value === null) return `pulumi config rm --stack ${stack} --path '${key}'`;
  return `pulumi config set --stack ${stack} --path '${key}' ${String(value)}`;
}

/** Edits of the stack's config, given as key paths under the project namespace ("seedPool.nodeCount"). */
export function configEdits(stack: string, edits: { key: string; value: ConfigEdit["value"] }[], note?: string): ConfigChange {
  return {
    file: `Pulumi.${stack}.yaml`,
    edits: edits.map(({ key, value }) => ({ path: `${PROJECT}:${key}`, value })),
    commands: edits.map(({ key, value }) => commandFor(stack, key, value)),
    ...(note ? { note } : {}),
  };
}

/** A change no config key governs (a commitment purchase, a resource outside the program): the command to run. */
export function commandChange(stack: string, command: string, note: string): ConfigChange {
  return { file: `Pulumi.${stack}.yaml`, edits: [], commands: [command], note };
}
