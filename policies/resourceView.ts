/**
 * How a policy sees a resource: one plain shape whether the resource comes from the Pulumi CLI
 * through the analyzer protocol (@pulumi/policy's validation args) or from a recorded resource
 * graph (the in-process evaluator and the tests). Every policy's core logic takes this shape, so
 * the pack and `evaluateStackPolicies` run the same code on the same values.
 *
 * Two things differ between the sources and are levelled here:
 * - @pulumi/policy wraps props in a proxy that throws `UnknownValueError` on reading a preview
 *   unknown, and turns that throw into an *advisory* "can't run policy during preview". A budget
 *   ceiling must never degrade like that, so policies read the raw values (unknowns stay the
 *   sentinel string) and decide themselves what an unknown means.
 * - The CLI reveals secrets before a policy sees them; a recorded graph keeps Pulumi's secret
 *   wrapper. Views from records reveal them too, so both see the same plain values.
 */
import type { PolicyResource as StackPolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { ResourceRecord, isSecretValue } from "../graph/resourceRecord";

export interface PolicyResource {
  urn: string;
  /** Type token, e.g. "gcp:container/nodePool:NodePool". */
  type: string;
  /** Logical name (the last URN segment). */
  name: string;
  /** A provider-managed resource (false for components and the stack). */
  custom: boolean;
  /**
   * Inputs for a resource policy (what `Analyze` receives), final state for a stack policy (what
   * `AnalyzeStack` receives). Secrets revealed; preview unknowns kept as sentinel strings.
   */
  props: Record<string, unknown>;
  protect: boolean;
  parent?: string;
  /** URNs this resource depends on (stack policies only: `Analyze` does not carry them). */
  dependencies: string[];
}

/**
 * Where @pulumi/policy's unknown-checking proxy hands out the object it wraps (proxy.js
 * `getSpecialProxyTarget`): the props as @pulumi/policy decoded them for this policy, unknowns
 * still sentinel strings. Reading it costs one property access, where copying the props out of the
 * proxy goes through the proxy for every key of every resource.
 */
const PROXY_TARGET = "__getSpecialProxyTarget";
const IS_PROXY = "__isSpecialProxy";

/**
 * The plain object behind @pulumi/policy's unknown-checking proxy. The proxy answers its own two
 * keys with the object it wraps; should a version of @pulumi/policy not, the props are copied out:
 * the proxy only traps `get`, its own keys and property descriptors reach the target, and a
 * descriptor's value is the raw (unproxied) nested value, so nothing here can throw
 * `UnknownValueError`. Policies only read what they are given, so the object is shared, not copied.
 */
export function withoutUnknownProxy(props: Record<string, unknown>): Record<string, unknown> {
  if (props[IS_PROXY] === true) {
    const target = props[PROXY_TARGET];
    if (typeof target === "object" && target !== null) return target as Record<string, unknown>;
  }
  return copiedOutOfProxy(props);
}

/** The props copied out of the proxy key by key (the way that needs nothing of the proxy but its target's keys). */
export function copiedOutOfProxy(props: Record<string, unknown>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  const keys = Reflect.ownKeys(props);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index];
    if (typeof key === "string") plain[key] = Reflect.getOwnPropertyDescriptor(props, key)?.value;
  }
  return plain;
}

/**
 * A view whose `props` (and dependencies) are worked out on first read: a stack check that only
 * looks at a few types (snapshot-before-decommission) never copies the other resources' props.
 * Both are own getters, so spreading a view copies plain values.
 */
function lazyView(view: Omit<PolicyResource, "props" | "dependencies">, proxied: Record<string, unknown>, dependenciesOf: () => string[]): PolicyResource {
  let plain: Record<string, unknown> | undefined;
  let dependencies: string[] | undefined;
  // Written out rather than spread: this runs once per resource per policy.
  return {
    urn: view.urn,
    type: view.type,
    name: view.name,
    custom: view.custom,
    protect: view.protect,
    parent: view.parent,
    get props() {
      return (plain ??= withoutUnknownProxy(proxied));
    },
    get dependencies() {
      return (dependencies ??= dependenciesOf());
    },
  };
}

/** A deep copy with every Pulumi secret replaced by its plain value (what the CLI hands a policy). */
export function revealSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return revealSecrets(value.value);
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = revealSecrets(inner);
    return out;
  }
  return value;
}

/** The resource `Analyze` is called with. The CLI sends a provider for every custom resource, none for components. */
export function viewFromResourceArgs(args: ResourceValidationArgs): PolicyResource {
  return lazyView(
    {
      urn: args.urn,
      type: args.type,
      name: args.name,
      custom: args.provider !== undefined,
      protect: args.opts.protect,
      parent: args.opts.parent || undefined,
    },
    args.props,
    () => [],
  );
}

/** A resource of `AnalyzeStack`. */
export function viewFromStackResource(resource: StackPolicyResource): PolicyResource {
  return lazyView(
    {
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      custom: resource.provider !== undefined,
      protect: resource.opts.protect,
      parent: resource.parent?.urn ?? (resource.opts.parent || undefined),
    },
    resource.props,
    // The CLI sends both; either names what the resource was built from.
    () => [
      ...new Set([
        ...resource.dependencies.map((dependency) => dependency.urn),
        ...Object.values(resource.propertyDependencies ?? {}).flatMap((dependencies) => dependencies.map((dependency) => dependency.urn)),
      ]),
    ],
  );
}

/**
 * A recorded resource as the CLI would hand it to a policy: its inputs for a resource policy, its
 * state (outputs, else inputs) for a stack policy.
 */
export function viewFromRecord(record: ResourceRecord, side: "inputs" | "state"): PolicyResource {
  const props = side === "inputs" ? record.inputs : record.outputs ?? record.inputs;
  return {
    urn: record.urn,
    type: record.type,
    name: record.name,
    custom: record.custom,
    props: revealSecrets(props ?? {}) as Record<string, unknown>,
    protect: record.protect ?? false,
    parent: record.parent,
    dependencies: record.dependencies ?? [],
  };
}

/** The record the cost engine prices: the policy's view of the resource, as inputs. */
export function recordForPricing(view: PolicyResource): ResourceRecord {
  return {
    urn: view.urn,
    type: view.type,
    name: view.name,
    custom: view.custom,
    parent: view.parent,
    inputs: view.props,
    protect: view.protect,
    dependencies: view.dependencies,
  };
}
