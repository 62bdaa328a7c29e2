/**
 * The parse entry point: the raw config of one stack in, one typed, validated object out (or a
 * ConfigError with one line). The schema runs first, then the rules across keys and the catalog
 * (config/rules/, one file per area).
 */
import { loadCatalog } from "../catalog/catalog";
import { STACKS } from "../program/stacks";
import { ConfigError } from "./configError";
import { describeIssue } from "./issueMessage";
import { stackConfigProblem } from "./rules";
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
  const problem = stackConfigProblem(config, catalog);
  if (problem) throw new ConfigError(`${stack}: ${problem}`);
  return config;
}
