/**
 * Stack configuration: the raw `relay-budget:*` keys of Pulumi.<stack>.yaml turned into one typed,
 * validated object. Every bad value fails before any resource is declared, with one line that
 * names the stack, the key, the value and what is allowed.
 *
 * The public face of config/: the schema per area (clusterSchema, blockchainNodeSchema,
 * proxySchema, testnetChainSchema, validatorsSchema, assembled per stack in stackSchemas), the
 * one-line error (issueMessage, configError), the checks across keys (crossChecks) and the parse
 * entry point (parseStackConfig).
 */
export { STACKS, type StackName } from "./stacks";
export { PROJECT, parseStackConfig } from "./config/parseStackConfig";
export { ConfigError } from "./config/configError";
export { formatPath } from "./config/issueMessage";
export { clusterZones } from "./config/clusterZones";
export { SECRET_KEYS, type ProdConfig, type TestnetConfig, type StackConfig } from "./config/stackSchemas";
export type { NodePoolConfig, DiskConfig } from "./config/clusterSchema";
export type { ResourcesConfig } from "./config/fields";
export type { BlockchainProxyConfig } from "./config/proxySchema";
export type { TestnetChainConfig } from "./config/testnetChainSchema";
