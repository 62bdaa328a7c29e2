/** The prod blockchain nodes area of the stack config: the nodes the relays (and the proxy) reach. */
import { z } from "zod";
import { blockchainNodeDiskSchema, blockchainNodeVolumeSchema } from "./diskMigrationSchema";
import { name, RELAY_CHAIN_ID } from "./fields";

export const blockchainNodeSchema = z.strictObject({
  name: name("blockchain node"),
  /** Relay chain IDs this node serves on mainnet (informational; the proxy routes by the testnet IDs). */
  relayChainIds: z.array(z.string().regex(RELAY_CHAIN_ID, "is not a relay chain ID (4 hex digits, e.g. 0021)")).min(1, "must list at least one relay chain ID"),
  namespace: name("namespace").default("blockchain"),
  /** The node's ClusterIP Service port. */
  port: z.number().int().min(1).max(65535, "must be a TCP port (1-65535)").default(8545),
  disk: blockchainNodeDiskSchema,
  /** The static PersistentVolume and claim the node mounts its data disk through (config/diskMigrationSchema.ts). */
  volume: blockchainNodeVolumeSchema.default({ importExisting: true }),
});
