/**
 * Reads a resource's attributes the way a pricing rule needs them: inputs first, outputs when the
 * inputs lack a value (a disk created from an image knows its size only in outputs), through
 * Pulumi's secret forms, telling "unknown during preview" and "secret" apart from "absent".
 *
 * Secrets come in three forms: the SDK's in-memory wrapper `{sig, value}`, a stack export's
 * `{sig, ciphertext}` (opaque) or `{sig, plaintext: "<JSON>"}` (--show-secrets), and a preview
 * digest's plain string "[secret]" whatever the value's type (pkg/backend/display/json.go,
 * MassageSecrets). An opaque secret is read like an unknown value: the rule cannot price from it.
 *
 * Every value a rule reads through the typed getters that turns out to be opaque in the inputs (or
 * a secret anywhere) is remembered, so the engine can refuse to price a resource from a guess
 * (a "[secret]" node count is not one node).
 */
import { ResourceRecord, SECRET_SIG, SECRET_SIG_KEY, isUnknown } from "../graph/resourceRecord";

/** How a preview digest writes every secret value (pkg/backend/display/json.go). */
export const SECRET_PLACEHOLDER = "[secret]";

export type AttributeRead =
  | { state: "known"; value: unknown; secret: boolean; from: "inputs" | "outputs" }
  | { state: "unknown"; secret: boolean; from: "inputs" | "outputs" }
  | { state: "absent" };

/** Why a value cannot be read: unknown until apply, or a secret the document does not reveal. */
export interface OpaqueRead {
  path: string;
  from: "inputs" | "outputs";
  secret: boolean;
}

/** A value no GCP resource can have (a fractional node count, a negative disk size). */
export class ImpossibleValueError extends Error {
  constructor(readonly field: string, readonly problem: string) {
    super(`${field}: ${problem}`);
    this.name = "ImpossibleValueError";
  }
}

type Unwrapped = { kind: "value"; value: unknown } | { kind: "opaque" };

/** The plain value behind one of Pulumi's secret wrappers, or "opaque" when the document hides it. */
function unwrapSecret(value: Record<string, unknown>): Unwrapped {
  if ("value" in value) return { kind: "value", value: value.value };
  if (typeof value.plaintext === "string") {
    try {
      return { kind: "value", value: JSON.parse(value.plaintext) };
    } catch {
      return { kind: "opaque" };
    }
  }
  return { kind: "opaque" };
}

function isSecretObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Walks a dotted path; a one-element list on the way (an older provider's nested block) is stepped into. */
function walk(root: unknown, segments: string[], from: "inputs" | "outputs"): AttributeRead {
  let current: unknown = root;
  let secret = false;
  for (let index = 0; index <= segments.length; index++) {
    if (isSecretObject(current)) {
      secret = true;
      const unwrapped = unwrapSecret(current);
      if (unwrapped.kind === "opaque") return { state: "unknown", secret: true, from };
      current = unwrapped.value;
    }
    if (current === SECRET_PLACEHOLDER) return { state: "unknown", secret: true, from };
    if (isUnknown(current)) return { state: "unknown", secret, from };
    if (index === segments.length) break;
    const segment = segments[index];
    if (Array.isArray(current) && !/^\d+$/.test(segment)) current = current[0];
    if (typeof current !== "object" || current === null) return { state: "absent" };
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) return { state: "absent" };
  return { state: "known", value: current, secret, from };
}

/** Rules read the same few dozen paths over and over: split each once. */
const splitPaths = new Map<string, string[]>();
function segmentsOf(path: string): string[] {
  let segments = splitPaths.get(path);
  if (!segments) {
    segments = path.split(".");
    splitPaths.set(path, segments);
  }
  return segments;
}

/** The limits a whole-number attribute must respect; `what` names it in the error ("nodes per zone"). */
export interface WholeNumberLimits {
  min: number;
  max: number;
  what: string;
}

export class ResourceAttributes {
  private opaque: OpaqueRead[] = [];

  constructor(readonly record: ResourceRecord) {}

  /** Starts a fresh list of opaque reads (the engine calls it before each rule). */
  beginTracking(): void {
    this.opaque = [];
  }

  /** The opaque values the rule read since beginTracking. */
  opaqueReads(): OpaqueRead[] {
    return this.opaque;
  }

  /** The value at a dotted path ("nodeConfig.machineType"), from inputs, else outputs, without tracking. */
  lookup(path: string): AttributeRead {
    const segments = segmentsOf(path);
    const fromInputs = walk(this.record.inputs ?? {}, segments, "inputs");
    if (fromInputs.state === "known") return fromInputs;
    // An input that is unknown or secret stays so whatever the outputs say.
    if (fromInputs.state === "unknown") return fromInputs;
    return this.record.outputs ? walk(this.record.outputs, segments, "outputs") : { state: "absent" };
  }

  /**
   * The value at a path, remembering it when it is opaque in a way that matters: unknown or secret
   * in the inputs (it depends on something not known yet, or is hidden), or a secret in the
   * outputs. An output that is only unknown during a preview is a provider-computed default the
   * rule states as an assumption.
   */
  read(path: string): AttributeRead {
    const read = this.lookup(path);
    if (read.state === "unknown" && (read.from === "inputs" || read.secret)) this.opaque.push({ path, from: read.from, secret: read.secret });
    return read;
  }

  string(path: string): string | undefined {
    const read = this.read(path);
    if (read.state !== "known") return undefined;
    return typeof read.value === "string" && read.value !== "" ? read.value : undefined;
  }

  /** A number, accepting numeric strings (config values often arrive as strings). */
  number(path: string): number | undefined {
    const read = this.read(path);
    if (read.state !== "known") return undefined;
    const value = typeof read.value === "string" && read.value.trim() !== "" ? Number(read.value) : read.value;
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
  }

  /**
   * A count or size GCP could actually have: a finite whole number within `limits`. Anything else
   * that is present (negative, fractional, NaN, beyond the published limit, not a number) throws
   * ImpossibleValueError naming where it sits, so the estimate refuses the document.
   */
  wholeNumber(path: string, limits: WholeNumberLimits, options: { track?: boolean } = {}): number | undefined {
    const read = options.track === false ? this.lookup(path) : this.read(path);
    if (read.state !== "known") return undefined;
    const raw = read.value;
    const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    const field = `${read.from}.${path}`;
    const shown = read.secret ? SECRET_PLACEHOLDER : JSON.stringify(raw);
    if (typeof value !== "number" || !Number.isFinite(value) || !Number.isInteger(value) || value < limits.min || value > limits.max) {
      throw new ImpossibleValueError(field, `${shown} is not a possible ${limits.what} (allowed: a whole number from ${limits.min} to ${limits.max})`);
    }
    return value;
  }

  boolean(path: string): boolean | undefined {
    const read = this.read(path);
    if (read.state !== "known") return undefined;
    if (typeof read.value === "boolean") return read.value;
    if (read.value === "true") return true;
    if (read.value === "false") return false;
    return undefined;
  }

  /** A list of strings (secret elements revealed); undefined unless every element is a known string. */
  strings(path: string): string[] | undefined {
    const read = this.read(path);
    if (read.state !== "known" || !Array.isArray(read.value)) return undefined;
    const values = read.value.map((v) => (isSecretObject(v) ? (unwrapSecret(v) as { value?: unknown }).value : v));
    return values.every((v) => typeof v === "string" && v !== SECRET_PLACEHOLDER && !isUnknown(v)) ? (values as string[]) : undefined;
  }

  /** The raw value at a path when it is known (a string "" included), without tracking. */
  peek(path: string): unknown {
    const read = this.lookup(path);
    return read.state === "known" ? read.value : undefined;
  }

  isUnknown(path: string): boolean {
    return this.lookup(path).state === "unknown";
  }

  isSecret(path: string): boolean {
    const read = this.lookup(path);
    return read.state !== "absent" && read.secret;
  }

  isAbsent(path: string): boolean {
    return this.lookup(path).state === "absent";
  }

  /** The display form of a value: "[secret]" for a secret, so reports never carry a secret. */
  display(path: string): string {
    const read = this.lookup(path);
    if (read.state === "absent") return "(none)";
    if (read.secret) return SECRET_PLACEHOLDER;
    if (read.state === "unknown") return "(unknown until apply)";
    return String(read.value);
  }
}

/** The reason a resource is not priced when a rule needed an opaque value. */
export function opaqueReason(reads: OpaqueRead[]): string {
  const secret = reads.filter((r) => r.secret).map((r) => r.path);
  const unknown = reads.filter((r) => !r.secret).map((r) => r.path);
  const parts: string[] = [];
  if (secret.length > 0) parts.push(`${[...new Set(secret)].join(", ")} ${secret.length === 1 ? "is a secret" : "are secrets"} the document does not reveal`);
  if (unknown.length > 0) parts.push(`${[...new Set(unknown)].join(", ")} ${unknown.length === 1 ? "is" : "are"} unknown until apply`);
  return `not priced: ${parts.join("; ")}`;
}
