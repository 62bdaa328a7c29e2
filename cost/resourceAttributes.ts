/**
 * Reads a resource's attributes the way a pricing rule needs them: inputs first, outputs when the
 * inputs lack a value (a disk created from an image knows its size only in outputs), through
 * Pulumi's secret wrapper, telling "unknown during preview" apart from "absent".
 */
import { ResourceRecord, isSecretValue, isUnknown } from "../graph/resourceRecord";

export type AttributeRead =
  | { state: "known"; value: unknown; secret: boolean; from: "inputs" | "outputs" }
  | { state: "unknown"; secret: boolean }
  | { state: "absent" };

/** Walks a dotted path; a one-element list on the way (an older provider's nested block) is stepped into. */
function walk(root: unknown, segments: string[]): AttributeRead {
  let current: unknown = root;
  let secret = false;
  for (const segment of segments) {
    if (isSecretValue(current)) {
      secret = true;
      current = current.value;
    }
    if (isUnknown(current)) return { state: "unknown", secret };
    if (Array.isArray(current) && !/^\d+$/.test(segment)) current = current[0];
    if (typeof current !== "object" || current === null) return { state: "absent" };
    current = (current as Record<string, unknown>)[segment];
  }
  if (isSecretValue(current)) {
    secret = true;
    current = current.value;
  }
  if (isUnknown(current)) return { state: "unknown", secret };
  if (current === undefined || current === null) return { state: "absent" };
  return { state: "known", value: current, secret, from: "inputs" };
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

export class ResourceAttributes {
  constructor(readonly record: ResourceRecord) {}

  /** The value at a dotted path ("nodeConfig.machineType"), from inputs, else outputs. */
  read(path: string): AttributeRead {
    const segments = segmentsOf(path);
    const fromInputs = walk(this.record.inputs ?? {}, segments);
    if (fromInputs.state === "known") return fromInputs;
    const fromOutputs = this.record.outputs ? walk(this.record.outputs, segments) : ({ state: "absent" } as AttributeRead);
    if (fromOutputs.state === "known") return { ...fromOutputs, from: "outputs" };
    // An input that is unknown stays unknown even if outputs lack it too.
    return fromInputs.state === "unknown" ? fromInputs : fromOutputs;
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
    const value = typeof read.value === "string" ? Number(read.value) : read.value;
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
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
    const values = read.value.map((v) => (isSecretValue(v) ? v.value : v));
    return values.every((v) => typeof v === "string") ? (values as string[]) : undefined;
  }

  isUnknown(path: string): boolean {
    return this.read(path).state === "unknown";
  }

  isSecret(path: string): boolean {
    const read = this.read(path);
    return read.state !== "absent" && read.secret;
  }

  isAbsent(path: string): boolean {
    return this.read(path).state === "absent";
  }

  /** The display form of a value: "[secret]" for a secret, so reports never carry a secret. */
  display(path: string): string {
    const read = this.read(path);
    if (read.state === "absent") return "(none)";
    if (read.secret) return "[secret]";
    if (read.state === "unknown") return "(unknown until apply)";
    return String(read.value);
  }
}
