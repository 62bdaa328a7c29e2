/**
 * The testnet chains area of the stack config: the blockchain nodes testnet runs (or has
 * decommissioned in favour of the prod proxy) and the node pool they run on.
 */
import { z } from "zod";
import { diskSchema, nodePoolSchema } from "./clusterSchema";
import { name, positiveInt, RELAY_CHAIN_ID, resourcesSchema } from "./fields";

export const testnetChainSchema = z.strictObject({
  name: name("blockchain node"),
  relayChainId: z.string().regex(RELAY_CHAIN_ID, "is not a relay chain ID (4 hex digits, e.g. 0020)"),
  /** active: runs here as today; decommissioned: workload and disk removed, a snapshot kept, validators use the prod proxy. */
  state: z.enum(["active", "decommissioned"], "must be active or decommissioned"),
  image: z.string().min(1, "must not be empty"),
  args: z.array(z.string()).default([]),
  port: z.number().int().min(1).max(65535, "must be a TCP port (1-65535)").default(8545),
  resources: resourcesSchema,
  /** The chain's data disk; a decommissioned chain keeps a snapshot of it. */
  disk: diskSchema,
});
export type TestnetChainConfig = z.infer<typeof testnetChainSchema>;

export const testnetBlockchainPoolSchema = nodePoolSchema
  .omit({ nodeCount: true, autoscaling: true })
  .extend({
    /** Pin the node count; default: sized from the active chains' requests. */
    nodeCount: positiveInt.optional(),
  });
