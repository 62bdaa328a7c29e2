/**
 * Stack configuration: the raw `relay-budget:*` keys of Pulumi.<stack>.yaml turned into one typed,
 * validated object. Every bad value fails before any resource is declared, with one line that
 * names the stack, the key, the value and what is allowed.
 *
 * The public face of config/: the schema per area (clusterSchema, blockchainNodeSchema,
 * proxySchema, testnetChainSchema, validatorsSchema, assembled per stack in stackSchemas), the
 * one-line error (issueMessage, configError), the rules across keys (rules/, one file per area) and
 * the parse entry point (parseStackConfig).
 */
export { STACKS, type StackName } from "../program/stacks";
export { PROJECT, parseStackConfig } from "./parseStackConfig";
export { ConfigError } from "./configError";
export { formatPath } from "./issueMessage";
export { clusterZones } from "./clusterZones";
export { SECRET_KEYS, type ProdConfig, type TestnetConfig, type StackConfig } from "./stackSchemas";
export type { NodePoolConfig, DiskConfig } from "./clusterSchema";
export type { ResourcesConfig } from "./fields";
export type { BlockchainProxyConfig } from "./proxySchema";
export type { TestnetChainConfig } from "./testnetChainSchema";
export { newDiskNameOf, type BlockchainNodeDiskConfig, type BlockchainNodeVolumeConfig, type DiskMigrationConfig } from "./diskMigrationSchema";
