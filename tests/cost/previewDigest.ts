/**
 * Builds `pulumi preview --json` digests and `pulumi stack export` documents in the exact shape the
 * Pulumi CLI writes them (pkg/backend/display/json.go: previewStep with op, urn, provider,
 * oldState/newState as apitype.ResourceV3, detailedDiff; config, changeSummary, duration,
 * diagnostics), as in tests/fixtures/pulumi/preview-drift-adopter-all-ops.json, for GCP resources.
 */
export const STACK_URN_PREFIX = (stack: string) => `urn:pulumi:${stack}::relay-budget::`;
const GCP_PROVIDER = (stack: string) => `${STACK_URN_PREFIX(stack)}pulumi:providers:gcp::default_9_3_0::5b1e4c2e-7c41-4d7b-9f1c-3d6a2f0b9a11`;
const ROOT = (stack: string) => `${STACK_URN_PREFIX(stack)}pulumi:pulumi:Stack::relay-budget-${stack}`;

export function urnOf(stack: string, type: string, name: string): string {
  return `${STACK_URN_PREFIX(stack)}${type}::${name}`;
}

/** A resource state (apitype.ResourceV3) as the digest serialises it. */
export function state(stack: string, type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = inputs, extra: Record<string, unknown> = {}) {
  return {
    urn: urnOf(stack, type, name),
    custom: true,
    id: type.startsWith("kubernetes:") ? `default/${name}` : `projects/relay/${name}`,
    type,
    inputs,
    outputs,
    parent: ROOT(stack),
    provider: GCP_PROVIDER(stack),
    propertyDependencies: Object.fromEntries(Object.keys(inputs).map((key) => [key, []])),
    ...extra,
  };
}

type State = ReturnType<typeof state>;

/** One previewStep. */
export function step(op: string, oldState: State | undefined, newState: State | undefined, urn?: string) {
  const resourceUrn = urn ?? (newState ?? oldState)!.urn;
  return {
    op,
    urn: resourceUrn,
    provider: GCP_PROVIDER(resourceUrn.split("::")[0].split(":")[2]),
    ...(oldState ? { oldState } : {}),
    ...(newState ? { newState } : {}),
    ...(op === "update" || op === "replace" ? { diffReasons: Object.keys(newState?.inputs ?? {}) } : {}),
    detailedDiff: null,
  };
}

/** The root stack's step, which the digest always shows. */
export function rootStep(stack: string) {
  const root = { urn: ROOT(stack), custom: false, type: "pulumi:pulumi:Stack", inputs: {}, outputs: {} };
  return { op: "same", urn: root.urn, oldState: root, newState: root, detailedDiff: null };
}

/** A whole digest: steps plus the summary the CLI adds (changeSummary counts every step, shown or not). */
export function digest(stack: string, steps: ReturnType<typeof step>[], options: { omittedSames?: number; diagnostics?: unknown[] } = {}) {
  const all = [rootStep(stack), ...steps];
  const changeSummary: Record<string, number> = {};
  for (const s of all) changeSummary[s.op] = (changeSummary[s.op] ?? 0) + 1;
  if (options.omittedSames) changeSummary.same = (changeSummary.same ?? 0) + options.omittedSames;
  return {
    config: { "gcp:project": "relay-prod", "gcp:region": "us-east1", "relay-budget:proxyPasswords": "[secret]" },
    steps: all,
    ...(options.diagnostics ? { diagnostics: options.diagnostics } : {}),
    duration: 4123456789,
    changeSummary,
  };
}
