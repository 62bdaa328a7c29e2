/**
 * The one helper of the policy tests (as awsguard's tests/util.ts): builds the validation args
 * @pulumi/policy would build from recorded resources — props deserialized (secrets revealed) and
 * wrapped in its unknown-checking proxy, options, provider, parent and dependencies — runs a
 * policy's CrossGuard form on them and collects the violations.
 */
import * as path from "path";
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { ResourceRecord } from "../../graph/resourceRecord";
import { recordStack, RecordOptions, RecordedStack } from "../../offline/recordStack";
import { readStackConfig } from "../../offline/stackConfig";
import { PolicyDefinition, toCrossGuardPolicy } from "../../policies/policyDefinition";
import { revealSecrets } from "../../policies/resourceView";

export interface ReportedViolation {
  message: string;
  urn?: string;
}

const recorded = new Map<string, Promise<RecordedStack>>();

/** A stack recorded under mocks, once per test file and options. */
export function recordedStack(stack: "prod" | "testnet", options: RecordOptions = {}): Promise<RecordedStack> {
  const key = `${stack}:${JSON.stringify(options)}`;
  if (!recorded.has(key)) recorded.set(key, recordStack(stack, options));
  return recorded.get(key)!;
}

export function findRecord(resources: ResourceRecord[], type: string, name: string): ResourceRecord {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name} in the graph (${resources.map((r) => r.name).join(", ")})`);
  return found;
}

/** A resource record for a synthetic case. */
export function resourceRecord(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ResourceRecord> = {}): ResourceRecord {
  return { urn: `urn:pulumi:test::relay-budget::${type}::${name}`, type, name, custom: !type.startsWith("relay-budget:"), inputs, ...extra };
}

/** A copy of a record with some inputs replaced (a dotted path per key). */
export function withInputs(record: ResourceRecord, changes: Record<string, unknown>): ResourceRecord {
  const inputs = structuredClone(record.inputs);
  for (const [dotted, value] of Object.entries(changes)) {
    const path = dotted.split(".");
    let at: Record<string, unknown> = inputs;
    for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    if (value === undefined) delete at[path[path.length - 1]];
    else at[path[path.length - 1]] = value;
  }
  return { ...record, inputs, outputs: undefined };
}

function provider(record: ResourceRecord) {
  // The CLI sends a provider with every custom resource and none with a component.
  return record.custom ? { type: `pulumi:providers:${record.type.split(":")[0]}`, props: {}, urn: record.provider ?? "default", name: "default" } : undefined;
}

function options(record: ResourceRecord) {
  return {
    protect: record.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(record.parent ? { parent: record.parent } : {}),
  };
}

function notApplicable(reason?: string): never {
  throw new Error(`not applicable: ${reason}`);
}

export function resourceValidationArgs(record: ResourceRecord, config: Record<string, unknown> = {}): ResourceValidationArgs {
  const props = unknownCheckingProxy(revealSecrets(record.inputs ?? {}) as Record<string, unknown>);
  const p = provider(record);
  return {
    type: record.type,
    props,
    urn: record.urn,
    name: record.name,
    opts: options(record),
    ...(p ? { provider: p } : {}),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({ ...config }) as T,
    notApplicable,
  };
}

export function stackValidationArgs(records: ResourceRecord[], config: Record<string, unknown> = {}): StackValidationArgs {
  const resources: PolicyResource[] = records.map((record) => {
    const props = unknownCheckingProxy(revealSecrets(record.outputs ?? record.inputs ?? {}) as Record<string, unknown>);
    const p = provider(record);
    return {
      type: record.type,
      props,
      urn: record.urn,
      name: record.name,
      opts: options(record),
      ...(p ? { provider: p } : {}),
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    } as PolicyResource;
  });
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  records.forEach((record, i) => {
    if (record.parent && byUrn.has(record.parent)) resources[i].parent = byUrn.get(record.parent);
    resources[i].dependencies = (record.dependencies ?? []).map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
  });
  return { resources, getConfig: <T extends object>() => ({ ...config }) as T, stackTags: new Map(), notApplicable };
}

/** Runs a policy's validateResource on each record (its inputs), as the pack does per `Analyze`. */
export async function runResourcePolicy(definition: PolicyDefinition<any>, records: ResourceRecord[], config: Record<string, unknown> = {}): Promise<ReportedViolation[]> {
  const policy = toCrossGuardPolicy(definition) as ResourceValidationPolicy;
  const violations: ReportedViolation[] = [];
  for (const record of records) {
    const report: ReportViolation = (message) => violations.push({ message, urn: record.urn });
    const validations = policy.validateResource ? (Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource]) : [];
    for (const validation of validations) await validation(resourceValidationArgs(record, config), report);
  }
  return violations;
}

/** Runs a policy's validateStack on the records (their state), as the pack does per `AnalyzeStack`. */
export async function runStackPolicy(definition: PolicyDefinition<any>, records: ResourceRecord[], config: Record<string, unknown> = {}): Promise<ReportedViolation[]> {
  const policy = toCrossGuardPolicy(definition) as StackValidationPolicy;
  const violations: ReportedViolation[] = [];
  await policy.validateStack(stackValidationArgs(records, config), (message, urn) => violations.push({ message, urn }));
  return violations;
}

/** The properties a stack's committed policy config gives a policy. */
export function committedConfig(stack: "prod" | "testnet", policy: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const file = require(`../../policies/config/${stack}.json`) as Record<string, Record<string, unknown>>;
  const { enforcementLevel: _level, ...properties } = file[policy] ?? {};
  // A path in the config is from the pack's directory (policies/), where the CLI runs the pack; the tests run from the project root.
  if (typeof properties.usageFile === "string") properties.usageFile = path.resolve(__dirname, "..", "..", "policies", properties.usageFile);
  return properties;
}

/**
 * The prod seed pool back at its size before the resize (INFRA.md: about 10 x n1-standard-4, a
 * 60 Gi pd-ssd per seed): the over-budget variant every ceiling must refuse.
 */
export function oldSeedPoolOverride(): RecordOptions {
  const seedPool = readStackConfig("prod").values["relay-budget:seedPool"] as Record<string, unknown>;
  return { configOverrides: { seedPool: { ...seedPool, machineType: "n1-standard-4", nodeCount: 10, diskType: "pd-ssd", diskSizeGb: 60 } } };
}
