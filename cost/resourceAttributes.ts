/**
 * Reads a resource's attributes the way a pricing rule needs them: inputs first, outputs when the
 * inputs lack a value (a disk created from an image knows its size only in outputs), through
 * graph/valueReader.ts, which knows Pulumi's secret forms and preview unknowns.
 *
 * Every value a rule reads through the typed getters that turns out to be opaque in the inputs (or
 * a secret anywhere) is noted on the graph's ReadTracker, for the resource being priced whichever
 * record the value sits on (a node pool reading its cluster's location), so the engine can refuse
 * to price a resource from a guess (a "[secret]" node count is not one node).
 */
import { ResourceRecord } from "../graph/resourceRecord";
import { SECRET_PLACEHOLDER, ValueRead, readValue } from "../graph/valueReader";

export type AttributeRead =
  | { state: "known"; value: unknown; secret: boolean; from: "inputs" | "outputs" }
  | { state: "unknown"; secret: boolean; from: "inputs" | "outputs" }
  | { state: "absent" };

/** Why a value cannot be read: unknown until apply, or a secret the document does not reveal. */
export interface OpaqueRead {
  path: string;
  from: "inputs" | "outputs";
  secret: boolean;
  /** The record the value sits on, when it is not the resource being priced (a node pool's cluster). */
  of?: ResourceRecord;
}

/** A value no GCP resource can have (a fractional node count, a negative disk size). */
export class ImpossibleValueError extends Error {
  constructor(readonly field: string, readonly problem: string) {
    super(`${field}: ${problem}`);
    this.name = "ImpossibleValueError";
  }
}

/**
 * Collects the opaque values read while one resource is priced, whichever record they sit on.
 * Reads made outside `track` (indexing the graph) count for nobody.
 */
export class ReadTracker {
  private current?: { record?: ResourceRecord; reads: OpaqueRead[] };

  /** Runs `read` for `record` (none: for whoever replays the reads) and returns its result with the opaque values it read. */
  track<T>(record: ResourceRecord | undefined, read: () => T): { result: T; reads: OpaqueRead[] } {
    const outer = this.current;
    const scope = { record, reads: [] as OpaqueRead[] };
    this.current = scope;
    try {
      return { result: read(), reads: scope.reads };
    } finally {
      this.current = outer;
    }
  }

  /** Runs `read` without noting anything (a per-graph cache whose reads are replayed with `note`). */
  untracked<T>(read: () => T): T {
    const outer = this.current;
    this.current = undefined;
    try {
      return read();
    } finally {
      this.current = outer;
    }
  }

  note(record: ResourceRecord, read: Omit<OpaqueRead, "of">): void {
    if (!this.current) return;
    this.current.reads.push(record === this.current.record ? read : { ...read, of: record });
  }

  /** Adds reads collected elsewhere (a cached lookup's) to the resource being priced. */
  replay(reads: OpaqueRead[]): void {
    if (!this.current) return;
    for (const read of reads) this.note(read.of!, { path: read.path, from: read.from, secret: read.secret });
  }
}

function fromSide(read: ValueRead, from: "inputs" | "outputs"): AttributeRead {
  if (read.state === "known") return { state: "known", value: read.value, secret: read.secret, from };
  if (read.state === "unknown") return { state: "unknown", secret: read.secret, from };
  return read;
}

/** The limits a whole-number attribute must respect; `what` names it in the error ("nodes per zone"). */
export interface WholeNumberLimits {
  min: number;
  max: number;
  what: string;
}

export class ResourceAttributes {
  constructor(readonly record: ResourceRecord, private readonly tracker: ReadTracker = new ReadTracker()) {}

  /** The value at a dotted path ("nodeConfig.machineType"), from inputs, else outputs, without tracking. */
  lookup(path: string): AttributeRead {
    const fromInputs = readValue(this.record.inputs ?? {}, path);
    // An input that is unknown or secret stays so whatever the outputs say.
    if (fromInputs.state !== "absent") return fromSide(fromInputs, "inputs");
    return this.record.outputs ? fromSide(readValue(this.record.outputs, path), "outputs") : { state: "absent" };
  }

  /**
   * The value at a path, remembering it when it is opaque in a way that matters: unknown or secret
   * in the inputs (it depends on something not known yet, or is hidden), or a secret in the
   * outputs. An output that is only unknown during a preview is a provider-computed default the
   * rule states as an assumption.
   */
  read(path: string): AttributeRead {
    const read = this.lookup(path);
    if (read.state === "unknown" && (read.from === "inputs" || read.secret)) this.tracker.note(this.record, { path, from: read.from, secret: read.secret });
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
    const values = read.value.map((element) => readValue(element, ""));
    return values.every((v) => v.state === "known" && typeof v.value === "string") ? values.map((v) => (v as { value: string }).value) : undefined;
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
  const secret = [...new Set(reads.filter((r) => r.secret).map(opaqueField))];
  const unknown = [...new Set(reads.filter((r) => !r.secret).map(opaqueField))];
  const parts: string[] = [];
  if (secret.length > 0) parts.push(`${secret.join(", ")} ${secret.length === 1 ? "is a secret" : "are secrets"} the document does not reveal`);
  if (unknown.length > 0) parts.push(`${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} unknown until apply`);
  return `not priced: ${parts.join("; ")}`;
}

/** The field an opaque read names: its path, with the record it sits on when that is another resource. */
export function opaqueField(read: OpaqueRead): string {
  return read.of ? `${read.path} of ${read.of.name}` : read.path;
}
