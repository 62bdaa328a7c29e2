/**
 * The type tokens of the program's component resources, named `<package>:<domain>:<Component>`
 * after what each builds, not after the stack that happens to hold it (one stack may hold any of
 * them). The components register with these; the policies and the readers of a graph look
 * components up by them. A leaf module: no Pulumi SDK, so any reader can import it.
 *
 * A token is part of every URN of the component and of its children: changing one after a stack
 * has been deployed makes Pulumi replace them all unless the component declares the old token as
 * an alias (LEGACY_COMPONENT_TYPES, registered by each component as `aliases: [{ type }]`).
 */
export const COMPONENT_TYPES = {
  gkeCluster: "relay-budget:gke:GkeCluster",
  seedNodePool: "relay-budget:gke:SeedNodePool",
  blockchainProxy: "relay-budget:proxy:BlockchainProxy",
  blockchainNodeDisks: "relay-budget:blockchain:BlockchainNodeDisks",
  testnetBlockchains: "relay-budget:blockchain:TestnetBlockchains",
  validatorChains: "relay-budget:validators:ValidatorChains",
} as const;

export type ComponentKind = keyof typeof COMPONENT_TYPES;

/**
 * The tokens the components had before they were named by domain (named after the stack). The
 * stacks deployed with them keep them in their state; each renamed component registers its old
 * token as an alias, so `pulumi up` renames the resources in place instead of replacing them.
 */
export const LEGACY_COMPONENT_TYPES: Partial<Record<ComponentKind, string>> = {
  seedNodePool: "relay-budget:prod:SeedNodePool",
  blockchainProxy: "relay-budget:prod:BlockchainProxy",
  blockchainNodeDisks: "relay-budget:prod:BlockchainNodeDisks",
  testnetBlockchains: "relay-budget:testnet:TestnetBlockchains",
  validatorChains: "relay-budget:testnet:ValidatorChains",
};
