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
import { declaredInputsOf, hasDeclaredInputs, isEmptyState } from "./declaredInputs";

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
  /** A stack policy's `props` are the inputs `Analyze` received: the preview gave the resource no state (declaredInputs.ts). */
  declaredInputsAsState?: boolean;
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
 * A view of a resource @pulumi/policy decoded: `props` and `dependencies` are worked out on first
 * read, since a stack check that only looks at a few types (snapshot-before-decommission) never
 * needs the others' dependencies. A class, not an object literal with getters: the pack builds one
 * per resource per policy on every call, and a literal's accessors are allocated with each object.
 */
class DecodedResourceView implements PolicyResource {
  private plain?: Record<string, unknown>;
  private dependencyUrns?: string[];
  declaredInputsAsState?: boolean;

  constructor(
    readonly urn: string,
    readonly type: string,
    readonly name: string,
    readonly custom: boolean,
    readonly protect: boolean,
    readonly parent: string | undefined,
    private readonly proxied: Record<string, unknown>,
    /** The `AnalyzeStack` resource, whose dependencies the view names (`Analyze` carries none). */
    private readonly stackResource?: StackPolicyResource,
  ) {}

  get props(): Record<string, unknown> {
    return (this.plain ??= withoutUnknownProxy(this.proxied));
  }

  get dependencies(): string[] {
    return (this.dependencyUrns ??= this.stackResource ? dependencyUrns(this.stackResource) : []);
  }

  /** Reads the inputs `Analyze` received in place of an empty state (declaredInputs.ts). */
  standInDeclaredInputs(): void {
    const declared = declaredInputsOf(this.urn);
    if (declared === undefined || !isEmptyState(this.props)) return;
    this.plain = declared;
    this.declaredInputsAsState = true;
  }
}

/** What a resource was built from: the CLI sends both its dependencies and its property dependencies. */
function dependencyUrns(resource: StackPolicyResource): string[] {
  const urns = new Set<string>();
  for (const dependency of resource.dependencies) urns.add(dependency.urn);
  for (const dependencies of Object.values(resource.propertyDependencies ?? {})) for (const dependency of dependencies) urns.add(dependency.urn);
  return [...urns];
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
  return new DecodedResourceView(args.urn, args.type, args.name, args.provider !== undefined, args.opts.protect, args.opts.parent || undefined, args.props, undefined);
}

/** A resource of `AnalyzeStack`. */
export function viewFromStackResource(resource: StackPolicyResource): PolicyResource {
  const view = new DecodedResourceView(
    resource.urn,
    resource.type,
    resource.name,
    resource.provider !== undefined,
    resource.opts.protect,
    resource.parent?.urn ?? (resource.opts.parent || undefined),
    resource.props,
    resource,
  );
  // Only a provider-managed resource has a state of its provider's; a component's is its registered outputs.
  if (view.custom && hasDeclaredInputs()) view.standInDeclaredInputs();
  return view;
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

/**
 * The record the cost engine prices: the policy's view of the resource, as inputs. Its
 * dependencies are the view's, read only if a rule asks (whether an address is in use).
 */
class PricingRecord implements ResourceRecord {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly inputs: Record<string, unknown>;
  readonly protect: boolean;

  constructor(private readonly view: PolicyResource) {
    this.urn = view.urn;
    this.type = view.type;
    this.name = view.name;
    this.custom = view.custom;
    this.parent = view.parent;
    this.inputs = view.props;
    this.protect = view.protect;
  }

  get dependencies(): string[] {
    return this.view.dependencies;
  }
}

export function recordForPricing(view: PolicyResource): ResourceRecord {
  return new PricingRecord(view);
}
