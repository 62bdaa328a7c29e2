/**
 * The one way to read a value out of a resource record (inputs, outputs, a policy's props): a
 * dotted path walked through Pulumi's secret forms, telling "unknown during preview" and "secret"
 * apart from "absent". The cost engine's typed getters (cost/resourceAttributes.ts), the policy
 * pack and the savings investigation all read through `readValue`.
 *
 * Secrets come in three forms: the SDK's in-memory wrapper `{sig, value}`, a stack export's
 * `{sig, ciphertext}` (opaque) or `{sig, plaintext: "<JSON>"}` (--show-secrets), and a preview
 * digest's plain string "[secret]" whatever the value's type (pkg/backend/display/json.go,
 * MassageSecrets). An opaque secret reads like an unknown value.
 */
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "./resourceRecord";

/** How a preview digest writes every secret value (pkg/backend/display/json.go). */
export const SECRET_PLACEHOLDER = "[secret]";

/**
 * The sentinels Pulumi sends for values a preview cannot know. The engine marshals unknowns as the
 * string sentinel (UNKNOWN); the SDK also defines typed ones, accepted so a value of any type is
 * recognised.
 */
const PREVIEW_UNKNOWN_SENTINELS = new Set<unknown>([
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export function isPreviewUnknown(value: unknown): boolean {
  return PREVIEW_UNKNOWN_SENTINELS.has(value);
}

/** True when any value inside `value` is a preview unknown. */
export function containsPreviewUnknown(value: unknown): boolean {
  if (isPreviewUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsPreviewUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsPreviewUnknown);
  return false;
}

/**
 * What a path holds. `unknown` carries `marker`, the value met where the walk stopped (a preview
 * sentinel, "[secret]", an opaque secret wrapper), for callers that compare raw values.
 */
export type ValueRead =
  | { state: "known"; value: unknown; secret: boolean }
  | { state: "unknown"; secret: boolean; marker: unknown }
  | { state: "absent" };

function isSecretWrapper(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

const OPAQUE = Symbol("opaque secret");

/** The plain value behind one of Pulumi's secret wrappers, or OPAQUE when the document hides it. */
function unwrapSecret(value: Record<string, unknown>): unknown {
  if ("value" in value) return value.value;
  if (typeof value.plaintext === "string") {
    try {
      return JSON.parse(value.plaintext);
    } catch {
      return OPAQUE;
    }
  }
  return OPAQUE;
}

/** Paths are read over and over (a rule reads the same few dozen on every resource): split each once. */
const splitPaths = new Map<string, string[]>();
function segmentsOf(path: string): string[] {
  if (path === "") return [];
  let segments = splitPaths.get(path);
  if (!segments) {
    segments = path.split(".");
    splitPaths.set(path, segments);
  }
  return segments;
}

/**
 * The value at a dotted path of `root` ("nodeConfig.machineType"; "" for `root` itself). A
 * one-element list on the way (an older provider's nested block) is stepped into.
 */
export function readValue(root: unknown, path: string): ValueRead {
  const segments = segmentsOf(path);
  let current: unknown = root;
  let secret = false;
  for (let index = 0; index <= segments.length; index++) {
    if (isSecretWrapper(current)) {
      secret = true;
      const unwrapped = unwrapSecret(current);
      if (unwrapped === OPAQUE) return { state: "unknown", secret: true, marker: current };
      current = unwrapped;
    }
    if (current === SECRET_PLACEHOLDER) return { state: "unknown", secret: true, marker: current };
    if (isPreviewUnknown(current)) return { state: "unknown", secret, marker: current };
    if (index === segments.length) break;
    const segment = segments[index];
    if (Array.isArray(current) && !/^\d+$/.test(segment)) current = current[0];
    if (typeof current !== "object" || current === null) return { state: "absent" };
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) return { state: "absent" };
  return { state: "known", value: current, secret };
}

/**
 * The plain value at a path (secrets revealed, for matching and arithmetic only, never for
 * display); for a value unknown until apply, the marker met, so `isPreviewUnknown` tells it;
 * undefined when absent.
 */
export function valueAt(root: unknown, path: string): unknown {
  const read = readValue(root, path);
  if (read.state === "known") return read.value;
  return read.state === "unknown" ? read.marker : undefined;
}

/** A map at a path (labels, annotations, selectors), unknown entries kept as read. */
export function mapAt(root: unknown, path: string): Record<string, unknown> | undefined {
  const value = valueAt(root, path);
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isSecretWrapper(value) ? (value as Record<string, unknown>) : undefined;
}

/** The string-valued entries of a label or selector map at a path. */
export function stringMapAt(root: unknown, path: string): Record<string, string> {
  return Object.fromEntries(Object.entries(mapAt(root, path) ?? {}).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}
