/**
 * Reads a `pulumi preview --json` document (the CLI's preview digest, pkg/backend/display/json.go)
 * into before/after pairs, one per resource, giving each step op the meaning it has for the bill:
 *
 * - same, update, replace (with its create-replacement/delete-replaced pair, counted once),
 *   import-replacement: before = the old state, after = the new one;
 * - create: after only; delete: before only;
 * - import: adoption of something that exists and bills already: before = after = the new state;
 * - refresh: the refreshed state is what bills now, on both sides, until a later step of the same
 *   URN (with --refresh, an update or delete) sets the after side;
 * - read, read-replacement, discard, discard-replaced: a resource another stack owns (free here);
 * - remove-pending-replace: drops a copy already deleted from the cloud: no cost either side.
 *
 * It also says what the digest covers: without --show-sames the unchanged resources are left out
 * (changeSummary.same still counts them), so its totals are the change, not the stack's bill; and
 * a preview that failed (error diagnostics, no resource step) is refused rather than priced as $0.
 */
import * as path from "path";
import { InputError, PreviewFailedError } from "./inputError";
import { isObject, readJsonDocument } from "./jsonDocument";
import { DeploymentRecord, toResourceRecord, typeOfUrn } from "./deploymentResource";

/** Every op the engine writes (sdk/go/common/display StepOps). */
export const STEP_OPS = [
  "same", "create", "update", "delete", "replace", "create-replacement", "delete-replaced", "read",
  "read-replacement", "refresh", "discard", "discard-replaced", "remove-pending-replace", "import", "import-replacement",
] as const;
type StepOp = (typeof STEP_OPS)[number];
const KNOWN_OPS = new Set<string>(STEP_OPS);

/** Ops whose step must carry a state on that side, or the document is not one the CLI wrote. */
const NEEDS_NEW_STATE = new Set<string>(["same", "create", "update", "create-replacement", "import"]);
const NEEDS_OLD_STATE = new Set<string>(["update", "delete", "delete-replaced"]);
const EXTERNAL_OPS = new Set<string>(["read", "read-replacement", "discard", "discard-replaced"]);

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  /** The state that bills before the change; absent for a create. */
  before?: DeploymentRecord;
  /** The state that bills after the change; absent for a delete. */
  after?: DeploymentRecord;
  ops: string[];
}

export interface PreviewChanges {
  changes: ResourceChange[];
  /** Config the preview ran with ("gcp:region" ...); secrets are blinded by Pulumi. */
  config: Record<string, unknown>;
  /** Where each resource's states sit in the document, for error messages. */
  locations: Map<string, { before?: string; after?: string }>;
  /** The stack the URNs name (urn:pulumi:<stack>::...). */
  stack?: string;
  /**
   * Unchanged resources the digest leaves out (it ran without --show-sames): changeSummary.same
   * minus the same steps present. Totals over such a digest are the change, not the bill.
   */
  omittedSames: number;
  /** Whether the digest lists every resource of the stack (sames included). */
  complete: boolean;
  /** Error diagnostics: the preview stopped early, so the steps may be incomplete. */
  errors: string[];
}

function stateOf(step: Record<string, unknown>, key: "oldState" | "newState", file: string, field: string): DeploymentRecord | undefined {
  const value = step[key];
  return value === null || value === undefined ? undefined : toResourceRecord(value, file, `${field}.${key}`);
}

export function parsePreviewDocument(document: unknown, file: string): PreviewChanges {
  if (!isObject(document)) throw new InputError(file, "", 'not a pulumi preview --json document (expected a JSON object with a "steps" array)');
  // The digest omits empty fields (`steps,omitempty`): a failed preview may have diagnostics only.
  const looksLikeDigest = ["diagnostics", "changeSummary", "duration", "config"].some((key) => key in document);
  if (document.steps !== undefined && !Array.isArray(document.steps)) throw new InputError(file, "steps", "expected an array of steps");
  if (document.steps === undefined && !looksLikeDigest) {
    const hint = isObject(document.deployment) ? "; this is a stack export: use --state" : "";
    throw new InputError(file, "steps", `not a pulumi preview --json document (no "steps" array${hint})`);
  }
  const steps = (document.steps as unknown[] | undefined) ?? [];
  const errors = errorDiagnostics(document.diagnostics, file);

  const byUrn = new Map<string, ResourceChange>();
  const locations = new Map<string, { before?: string; after?: string }>();
  let sameSteps = 0;
  let resourceSteps = 0;
  steps.forEach((step, index) => {
    const field = `steps[${index}]`;
    if (!isObject(step)) throw new InputError(file, field, "expected a step object with op and urn");
    if (typeof step.op !== "string" || !KNOWN_OPS.has(step.op)) {
      throw new InputError(file, `${field}.op`, `${JSON.stringify(step.op)} is not a step op (allowed: ${STEP_OPS.join(", ")})`);
    }
    const op = step.op as StepOp;
    const oldState = stateOf(step, "oldState", file, field);
    const newState = stateOf(step, "newState", file, field);
    if (NEEDS_NEW_STATE.has(op) && !newState) throw new InputError(file, `${field}.newState`, `a "${op}" step must carry the resource's new state`);
    if (NEEDS_OLD_STATE.has(op) && !oldState) throw new InputError(file, `${field}.oldState`, `a "${op}" step must carry the resource's old state`);
    const urn = typeof step.urn === "string" ? step.urn : newState?.urn ?? oldState?.urn;
    if (!urn || !urn.startsWith("urn:pulumi:")) throw new InputError(file, `${field}.urn`, 'expected the step\'s resource URN ("urn:pulumi:...")');
    const urnType = typeOfUrn(urn);
    for (const [key, state] of [["oldState", oldState], ["newState", newState]] as const) {
      if (!state) continue;
      if (state.urn !== urn) throw new InputError(file, `${field}.${key}.urn`, `"${state.urn}" is not the step's URN "${urn}"`);
      if (state.type !== urnType) throw new InputError(file, `${field}.${key}.type`, `"${state.type}" is not the type its URN names ("${urnType}"): one URN cannot have two types`);
    }
    if (op === "same") sameSteps++;
    if (urnType !== ROOT_STACK_TYPE) resourceSteps++;

    let change = byUrn.get(urn);
    if (!change) {
      change = { urn, type: urnType, name: urn.split("::").slice(3).join("::"), ops: [] };
      byUrn.set(urn, change);
      locations.set(urn, {});
    }
    change.ops.push(op);
    const location = locations.get(urn)!;
    const setBefore = (state: DeploymentRecord | undefined, where: string, force = false) => {
      if (change!.before && !force) return;
      change!.before = state;
      location.before = state ? where : undefined;
    };
    const setAfter = (state: DeploymentRecord | undefined, where: string) => {
      change!.after = state;
      location.after = state ? where : undefined;
    };
    switch (op) {
      case "same":
      case "update":
      case "replace":
      case "import-replacement":
        setBefore(oldState, `${field}.oldState`);
        if (newState) setAfter(newState, `${field}.newState`);
        break;
      case "create":
      case "create-replacement":
        setAfter(newState, `${field}.newState`);
        break;
      case "delete":
        setBefore(oldState, `${field}.oldState`);
        setAfter(undefined, "");
        break;
      case "delete-replaced":
        setBefore(oldState, `${field}.oldState`);
        break;
      case "import":
        // Adoption: the resource exists and bills already; importing changes nothing on the bill.
        setBefore(newState, `${field}.newState`);
        setAfter(newState, `${field}.newState`);
        break;
      case "refresh":
        // What the cloud has now bills now; a later step of this URN sets what bills after.
        setBefore(newState, `${field}.newState`, true);
        setAfter(newState, `${field}.newState`);
        break;
      case "read":
      case "read-replacement":
      case "discard":
      case "discard-replaced":
        setBefore(oldState ?? newState, `${field}.${oldState ? "oldState" : "newState"}`);
        setAfter(op.startsWith("read") ? newState : undefined, `${field}.newState`);
        break;
      case "remove-pending-replace":
        break;
    }
    // A read resource belongs to another stack: this preview does not own its cost.
    if (EXTERNAL_OPS.has(op)) {
      if (change.before) change.before = { ...change.before, external: true };
      if (change.after) change.after = { ...change.after, external: true };
    }
  });

  if (errors.length > 0 && resourceSteps === 0) throw new PreviewFailedError(file, errors);

  const summary = isObject(document.changeSummary) ? document.changeSummary : undefined;
  const summarizedSames = typeof summary?.same === "number" ? summary.same : 0;
  const omittedSames = Math.max(0, summarizedSames - sameSteps);
  const config = isObject(document.config) ? document.config : {};
  const changes = [...byUrn.values()];
  const stack = changes.map((c) => c.urn.split("::")[0]?.split(":")[2]).find(Boolean);
  return { changes, config, locations, stack, omittedSames, complete: omittedSames === 0 && errors.length === 0, errors };
}

/** The messages of error diagnostics (severity "error"; "info#err" is a program's stderr, not an error). */
function errorDiagnostics(value: unknown, file: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(file, "diagnostics", "expected an array of diagnostics");
  return value.flatMap((diagnostic, index) => {
    if (!isObject(diagnostic)) throw new InputError(file, `diagnostics[${index}]`, "expected a diagnostic object with severity and message");
    if (diagnostic.severity !== "error") return [];
    return [String(diagnostic.message ?? "").trim() || "(no message)"];
  });
}

export function readPreviewDocument(file: string): PreviewChanges {
  return parsePreviewDocument(readJsonDocument(file), path.basename(file));
}
