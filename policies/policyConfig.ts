/**
 * Policy configuration: one zod schema per policy gives both the JSON schema the pack advertises
 * (the Pulumi CLI validates `--policy-pack-config` against it before the run) and the strict parse
 * the pack does itself (JSON schema at the top level of a policy's config cannot refuse unknown
 * keys: the CLI wraps the advertised properties in an open object).
 *
 * The loading and reconciling of a policy-pack config file mirror the CLI
 * (sdk/go/common/resource/analyzer/config.go) so the in-process evaluator applies a config file
 * exactly as `pulumi preview --policy-pack-config` does.
 */
import * as fs from "fs";
import { z } from "zod";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

/** A policy's config: its zod schema and the JSON schema derived from it. */
export interface PolicyConfigSpec<T> {
  schema: z.ZodType<T>;
  /** `configSchema` of the CrossGuard policy: top-level properties and the required ones. */
  jsonSchema: { properties: Record<string, PolicyConfigJSONSchema>; required?: string[] };
}

export class PolicyConfigError extends Error {}

/** Defines a policy's config from its keys; unknown keys are refused. */
export function definePolicyConfig<Shape extends z.ZodRawShape>(shape: Shape): PolicyConfigSpec<z.output<z.ZodObject<Shape>>> {
  const schema = z.strictObject(shape);
  // Input side: a key with a default is not required of the user (the CLI fills the default in).
  const json = z.toJSONSchema(schema, { target: "draft-7", io: "input" }) as {
    properties?: Record<string, PolicyConfigJSONSchema>;
    required?: string[];
  };
  return {
    schema: schema as unknown as z.ZodType<z.output<z.ZodObject<Shape>>>,
    jsonSchema: { properties: json.properties ?? {}, ...(json.required?.length ? { required: json.required } : {}) },
  };
}

/** A non-negative amount of USD a month. */
export const usdPerMonth = () => z.number({ error: "must be a number (USD a month)" }).min(0, "must be 0 or more (USD a month)");

/** Parses one policy's config properties; the error names the policy, the key, the value and what is allowed. */
export function parsePolicyConfig<T>(policyName: string, spec: PolicyConfigSpec<T>, properties: unknown): T {
  const parsed = spec.schema.safeParse(properties ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const where = path ? `${policyName}.${path}` : policyName;
    const allowed = path ? "" : ` (allowed: ${Object.keys(spec.jsonSchema.properties).join(", ") || "no keys"}, enforcementLevel)`;
    throw new PolicyConfigError(`policy config ${where}: unknown key ${JSON.stringify(issue.keys[0])}${allowed}`);
  }
  const value = issue.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], properties);
  const shown = value === undefined ? "is required:" : `${JSON.stringify(value)}`;
  throw new PolicyConfigError(`policy config ${policyName}.${path} ${shown} ${issue.message}`);
}

/** One policy's entry of a policy-pack config file, as the CLI reads it. */
export interface PolicyConfigEntry {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}

function asEnforcementLevel(value: unknown, where: string): EnforcementLevel {
  if (typeof value !== "string" || !(ENFORCEMENT_LEVELS as readonly string[]).includes(value)) {
    throw new PolicyConfigError(`${where}: ${JSON.stringify(value)} is not a valid enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`);
  }
  return value as EnforcementLevel;
}

/**
 * Parses a policy-pack config document the way the CLI does: each key is a policy name (or "all")
 * mapped to an enforcement level string or to an object of properties with an optional
 * `enforcementLevel`.
 */
export function parsePolicyPackConfig(document: unknown, source = "policy pack config"): Record<string, PolicyConfigEntry> {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new PolicyConfigError(`${source}: must be a JSON object keyed by policy name`);
  }
  const entries: Record<string, PolicyConfigEntry> = {};
  for (const [policy, value] of Object.entries(document)) {
    if (typeof value === "string") {
      entries[policy] = { enforcementLevel: asEnforcementLevel(value, `${source}: ${policy}`) };
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      const entry: PolicyConfigEntry = {};
      if (enforcementLevel !== undefined) entry.enforcementLevel = asEnforcementLevel(enforcementLevel, `${source}: ${policy}.enforcementLevel`);
      if (Object.keys(properties).length) entry.properties = properties;
      entries[policy] = entry;
    } else {
      throw new PolicyConfigError(`${source}: ${policy} must be an enforcement level or an object (got ${JSON.stringify(value)})`);
    }
  }
  return entries;
}

export function loadPolicyPackConfigFile(file: string): Record<string, PolicyConfigEntry> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PolicyConfigError(`${file}: cannot read the policy pack config (${(err as Error).message})`);
  }
  if (text.trim() === "") return {};
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new PolicyConfigError(`${file}: not JSON (${(err as Error).message})`);
  }
  return parsePolicyPackConfig(document, file);
}

/** What a policy declares that config reconciliation needs. */
export interface ConfigurablePolicy<T = unknown> {
  name: string;
  enforcementLevel: EnforcementLevel;
  config: PolicyConfigSpec<T>;
}

export interface ReconciledPolicyConfig<T = unknown> {
  enforcementLevel: EnforcementLevel;
  config: T;
}

/**
 * The CLI's reconciliation (defaults, then "all", then each policy's entry), plus what the CLI
 * leaves out and the pack would only catch at run time: unknown policy names and unknown keys.
 */
export function reconcilePolicyPackConfig(
  policies: ConfigurablePolicy[],
  entries: Record<string, PolicyConfigEntry>,
): Map<string, ReconciledPolicyConfig> {
  const known = new Set(policies.map((p) => p.name));
  for (const name of Object.keys(entries)) {
    if (name !== "all" && !known.has(name)) {
      throw new PolicyConfigError(`policy config: unknown policy ${JSON.stringify(name)} (policies: ${[...known].join(", ")}, or "all")`);
    }
  }
  const result = new Map<string, ReconciledPolicyConfig>();
  for (const policy of policies) {
    const entry = entries[policy.name] ?? {};
    const enforcementLevel = entry.enforcementLevel ?? entries.all?.enforcementLevel ?? policy.enforcementLevel;
    result.set(policy.name, { enforcementLevel, config: parsePolicyConfig(policy.name, policy.config, entry.properties ?? {}) });
  }
  return result;
}
