/**
 * One resource of a stack, as the three readers (Pulumi engine, cost engine, policy pack) see it.
 *
 * The shape is a Pulumi deployment (v3) resource, so the program recorded under mocks, a
 * `pulumi stack export` and the states of a `pulumi preview --json` all read the same way.
 * Values keep Pulumi's wire format: a secret is `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`, and a
 * value a preview cannot know yet is the string UNKNOWN.
 */
export interface ResourceRecord {
  urn: string;
  /** Type token, e.g. "gcp:container/nodePool:NodePool". */
  type: string;
  /** Logical name (the last URN segment). */
  name: string;
  /** True for provider-managed resources, false for components. */
  custom: boolean;
  /** URN of the parent resource, when there is one. */
  parent?: string;
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  protect?: boolean;
  /** The id of an existing cloud resource that Pulumi adopts (the `import` resource option). */
  importId?: string;
  retainOnDelete?: boolean;
  dependencies?: string[];
  /** Per input property, the URNs its value came from (only properties with any): the engine keeps and sends them. */
  propertyDependencies?: Record<string, string[]>;
  /** Input properties whose changes Pulumi ignores (the `ignoreChanges` option). */
  ignoreChanges?: string[];
  provider?: string;
  /** URNs this resource was known by before (its `aliases` option): Pulumi moves their state to it. */
  aliases?: string[];
}

/** Pulumi's marker for a secret value ("4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Pulumi's sentinel for a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** The plain value behind a possibly-secret value (for arithmetic on e.g. a secret disk size; never for display). */
export function revealSecret(value: unknown): unknown {
  return isSecretValue(value) ? value.value : value;
}

/**
 * The string values held under Pulumi's secret wrapper anywhere in `value` (longest first): what a
 * message built from revealed attributes must not repeat (see `withoutSecrets`).
 */
export function secretStrings(value: unknown): string[] {
  const found = new Set<string>();
  collectSecretStrings(value, false, found);
  return found.size ? [...found].sort((a, b) => b.length - a.length) : [];
}

/** The walk behind secretStrings. The cost engine runs it on every resource it prices: no array per level. */
function collectSecretStrings(value: unknown, insideSecret: boolean, found: Set<string>): void {
  if (typeof value === "string") {
    // Strings only, of 3 characters or more: replacing a secret "2" or "" would mangle every message.
    if (insideSecret && value.length >= 3) found.add(value);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) collectSecretStrings(item, insideSecret, found);
  } else if (isSecretValue(value)) {
    collectSecretStrings(value.value, true, found);
  } else {
    const object = value as Record<string, unknown>;
    for (const key in object) if (Object.prototype.hasOwnProperty.call(object, key)) collectSecretStrings(object[key], insideSecret, found);
  }
}

/** `text` with every occurrence of the given secret strings replaced by "[secret]". */
export function withoutSecrets(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join("[secret]"), text);
}

/**
 * A deep copy with every secret replaced by "[secret]": what a report, a log or a rendered file may
 * show. A secret map or list keeps its keys/length so the document keeps its shape.
 */
export function redactSecrets<T>(value: T): T {
  if (isSecretValue(value)) return redactAll(value.value) as T;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as unknown as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactSecrets(v);
    return out as T;
  }
  return value;
}

function redactAll(value: unknown): unknown {
  if (isSecretValue(value)) return redactAll(value.value);
  if (Array.isArray(value)) return value.map(redactAll);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.keys(value).map((k) => [k, redactAll((value as Record<string, unknown>)[k])]));
  return "[secret]";
}

/** The logical name of a URN: "urn:pulumi:prod::proj::a$b::name" -> "name". */
export function nameFromUrn(urn: string): string {
  return urn.split("::").slice(3).join("::");
}
