/**
 * The schema of each stack's config: the keys both stacks hold, then prod's (seed pool, blockchain
 * nodes, proxy) and testnet's (chains, their pool, validators), assembled from the area schemas.
 */
import { z } from "zod";
import { poolWorkloadsSchema } from "./poolWorkloadsSchema";
import { blockchainNodeSchema } from "./blockchainNodeSchema";
import { clusterSchema, labelsSchema, nodePoolSchema } from "./clusterSchema";
import { name, positiveInt, resourcesSchema, secretPassword } from "./fields";
import { blockchainProxySchema } from "./proxySchema";
import { testnetBlockchainPoolSchema, testnetChainSchema } from "./testnetChainSchema";
import { validatorsSchema } from "./validatorsSchema";
import { volumeClaimSchema } from "./volumeClaimSchema";

/** Keys common to both stacks. */
const baseKeys = {
  labels: labelsSchema,
  cluster: clusterSchema,
  /** Node pools kept as they are (declared so the stack's cost and ceilings are real). */
  nodePools: z.array(nodePoolSchema).default([]),
  /** Per pool, the workloads the program does not declare (config/poolWorkloadsSchema.ts). */
  poolWorkloads: poolWorkloadsSchema,
};

export const prodSchema = z.strictObject({
  ...baseKeys,
  seedPool: nodePoolSchema.extend({
    /** Seed pods scheduled on the pool (the public seed list has ten). */
    seedReplicas: positiveInt,
    /** Seeds that must stay up during a resize or upgrade (the PodDisruptionBudget). */
    minAvailableSeeds: positiveInt,
    seedNamespace: name("namespace").default("pocket"),
    /** What one seed pod requests (for sizing checks and rightsizing). */
    seedResources: resourcesSchema,
    /** Each seed pod's own volume claims (config/volumeClaimSchema.ts). */
    seedVolumeClaims: z.array(volumeClaimSchema).optional(),
  }),
  blockchainNodes: z.array(blockchainNodeSchema).min(1, "must list at least one blockchain node"),
  blockchainProxy: blockchainProxySchema.optional(),
  /** Secret: basic-auth password per proxy client. */
  proxyPasswords: z.record(z.string(), secretPassword).optional(),
});

export const testnetSchema = z.strictObject({
  ...baseKeys,
  testnetChains: z.array(testnetChainSchema).min(1, "must list at least one chain"),
  testnetBlockchainPool: testnetBlockchainPoolSchema,
  validators: validatorsSchema,
  /** Secret: the validators' basic-auth password at the prod proxy. */
  validatorProxyPassword: secretPassword.optional(),
});

/** The schema of a stack's own (`relay-budget:*`) keys. */
export function stackSchema(stack: string): typeof prodSchema | typeof testnetSchema {
  return stack === "prod" ? prodSchema : testnetSchema;
}

export type ProdConfig = z.infer<typeof prodSchema> & { stack: "prod"; project: string; region: string; gcpProject: string };
export type TestnetConfig = z.infer<typeof testnetSchema> & { stack: "testnet"; project: string; region: string; gcpProject: string };
export type StackConfig = ProdConfig | TestnetConfig;

/** Config keys whose values are secrets: never echoed in an error. */
export const SECRET_KEYS = ["proxyPasswords", "validatorProxyPassword"];
