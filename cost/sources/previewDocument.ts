/**
 * Reads a `pulumi preview --json` document into before/after pairs, one per resource: every op
 * (same, create, update, replace, delete, read, import, refresh ...), with a replacement's
 * create-replacement/delete-replaced steps merged into the one resource they replace.
 */
import * as path from "path";
import { InputError } from "./inputError";
import { isObject, readJsonDocument } from "./jsonDocument";
import { DeploymentRecord, toResourceRecord } from "./deploymentResource";

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  /** The state before the change (a step's oldState); absent for a create. */
  before?: DeploymentRecord;
  /** The state after the change (a step's newState); absent for a delete. */
  after?: DeploymentRecord;
  ops: string[];
}

export interface PreviewChanges {
  changes: ResourceChange[];
  /** Config the preview ran with ("gcp:region" ...); secrets are blinded by Pulumi. */
  config: Record<string, unknown>;
  /** Where each resource's states sit in the document, for error messages. */
  locations: Map<string, { before?: string; after?: string }>;
}

export function parsePreviewDocument(document: unknown, file: string): PreviewChanges {
  if (!isObject(document)) throw new InputError(file, "", 'not a pulumi preview --json document (expected a JSON object with a "steps" array)');
  if (!Array.isArray(document.steps)) {
    const hint = isObject(document.deployment) ? "; this is a stack export: use --state" : "";
    throw new InputError(file, "steps", `not a pulumi preview --json document (no "steps" array${hint})`);
  }
  const byUrn = new Map<string, ResourceChange>();
  const locations = new Map<string, { before?: string; after?: string }>();
  document.steps.forEach((step, index) => {
    const field = `steps[${index}]`;
    if (!isObject(step)) throw new InputError(file, field, "expected a step object with op and urn");
    if (typeof step.op !== "string") throw new InputError(file, `${field}.op`, "expected an op string (same, create, update, replace, delete ...)");
    const oldState = step.oldState === null || step.oldState === undefined ? undefined : toResourceRecord(step.oldState, file, `${field}.oldState`);
    const newState = step.newState === null || step.newState === undefined ? undefined : toResourceRecord(step.newState, file, `${field}.newState`);
    const urn = typeof step.urn === "string" ? step.urn : newState?.urn ?? oldState?.urn;
    if (!urn) throw new InputError(file, `${field}.urn`, "expected the step's resource URN");
    let change = byUrn.get(urn);
    if (!change) {
      const state = newState ?? oldState;
      change = { urn, type: state?.type ?? urn.split("::")[2]?.split("$").pop() ?? "", name: state?.name ?? urn.split("::").slice(3).join("::"), ops: [] };
      byUrn.set(urn, change);
      locations.set(urn, {});
    }
    change.ops.push(step.op);
    const location = locations.get(urn)!;
    // A replacement's two steps each carry one side; the first state seen for a side wins.
    if (oldState && !change.before) {
      change.before = oldState;
      location.before = `${field}.oldState`;
    }
    if (newState && !change.after) {
      change.after = newState;
      location.after = `${field}.newState`;
    }
    // A read step's resource belongs to another stack: this preview does not own its cost.
    if (step.op === "read" || step.op === "read-replacement" || step.op === "discard" || step.op === "discard-replaced") {
      if (change.before) change.before.external = true;
      if (change.after) change.after.external = true;
    }
  });
  const config = isObject(document.config) ? document.config : {};
  return { changes: [...byUrn.values()], config, locations };
}

export function readPreviewDocument(file: string): PreviewChanges {
  return parsePreviewDocument(readJsonDocument(file), path.basename(file));
}
