/**
 * The parse entry point: the raw config of one stack in, one typed, validated object out (or a
 * ConfigError with one line). The schema runs first, then the checks across keys and the catalog,
 * then the rules that keep the stack deployable (validation/stackRules.ts) and the pool workloads.
 */
import { loadCatalog } from "../catalog/catalog";
import { poolWorkloadsProblem } from "./poolWorkloadsSchema";
import { STACKS } from "../program/stacks";
import { stackRuleProblem } from "../validation/stackRules";
import { clusterZones } from "./clusterZones";
import { ConfigError } from "./configError";
import { crossCheck } from "./crossChecks";
import { diskMigrationProblem } from "./diskMigrationSchema";
import { describeIssue } from "./issueMessage";
import { SECRET_KEYS, stackSchema, StackConfig } from "./stackSchemas";

/** The config namespace: the Pulumi project name. */
export const PROJECT = "relay-budget";

/**
 * Validates the raw config of a stack. `raw` maps `namespace:key` (as Pulumi names config keys) to
 * its value, already parsed from JSON/YAML.
 */
export function parseStackConfig(stack: string, raw: Record<string, unknown>, secretKeys: readonly string[] = []): StackConfig {
  if (!(STACKS as readonly string[]).includes(stack)) {
    throw new ConfigError(`${stack}: unknown stack ${JSON.stringify(stack)} (allowed: ${STACKS.join(", ")})`);
  }
  const region = raw["gcp:region"];
  const gcpProject = raw["gcp:project"];
  const catalog = loadCatalog();
  if (typeof region !== "string" || !catalog.regions.includes(region)) {
    throw new ConfigError(`${stack}: gcp:region ${JSON.stringify(region)} is not a GCP region of the price catalog (e.g. us-east1)`);
  }
  if (typeof gcpProject !== "string" || !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(gcpProject)) {
    throw new ConfigError(`${stack}: gcp:project ${JSON.stringify(gcpProject)} is not a GCP project id (6-30 lower-case letters, digits and '-')`);
  }
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(`${PROJECT}:`)) own[key.slice(PROJECT.length + 1)] = value;
  }
  const parsed = stackSchema(stack).safeParse(own);
  // Any key the stack holds as a secret (`secure:`), beside the two known password keys.
  const secret = new Set([...SECRET_KEYS, ...secretKeys.filter((k) => k.startsWith(`${PROJECT}:`)).map((k) => k.slice(PROJECT.length + 1))]);
  if (!parsed.success) throw new ConfigError(describeIssue(stack, own, parsed.error.issues[0], secret));
  const config = { ...parsed.data, stack, project: PROJECT, region, gcpProject } as StackConfig;
  const problem =
    crossCheck(config, catalog) ??
    (config.stack === "prod" ? diskMigrationProblem(config.blockchainNodes.map((node, i) => ({ key: `blockchainNodes[${i}].disk`, disk: node.disk })), region, catalog) : undefined) ??
    stackRuleProblem(config, clusterZones(config.cluster)) ??
    poolWorkloadsProblem(config.poolWorkloads, poolNamesOf(config), diskNamesOf(config));
  if (problem) throw new ConfigError(`${stack}: ${problem}`);
  return config;
}

function poolNamesOf(config: StackConfig): string[] {
  return [...config.nodePools.map((p) => p.name), config.stack === "prod" ? config.seedPool.name : config.testnetBlockchainPool.name];
}

function diskNamesOf(config: StackConfig): string[] {
  return config.stack === "prod" ? config.blockchainNodes.map((n) => n.disk.name) : config.testnetChains.map((c) => c.disk.name);
}
