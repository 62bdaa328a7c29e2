/** Reads a `pulumi stack export` (deployment v3) document into the stack's resource graph. */
import { InputError } from "./inputError";
import { isObject, readJsonDocument } from "./jsonDocument";
import { DeploymentRecord, toResourceRecord } from "./deploymentResource";
import * as path from "path";

export interface StackExportGraph {
  resources: DeploymentRecord[];
  /** Where each resource sits in the document, for error messages ("deployment.resources[4]"). */
  locations: Map<string, string>;
}

export function parseStackExport(document: unknown, file: string): StackExportGraph {
  if (!isObject(document)) throw new InputError(file, "", "not a pulumi stack export document (expected a JSON object)");
  if (!isObject(document.deployment)) {
    const hint = Array.isArray(document.steps) ? "; this is a preview: use --preview" : "";
    throw new InputError(file, "deployment", `not a pulumi stack export document (no "deployment" object${hint})`);
  }
  if (document.version !== 3) {
    throw new InputError(file, "version", `unsupported stack export version ${JSON.stringify(document.version)} (allowed: 3)`);
  }
  const list = document.deployment.resources ?? [];
  if (!Array.isArray(list)) throw new InputError(file, "deployment.resources", "expected an array of resources");
  const locations = new Map<string, string>();
  const resources = list.map((value, index) => {
    const field = `deployment.resources[${index}]`;
    const record = toResourceRecord(value, file, field);
    locations.set(record.urn, field);
    return record;
  });
  return { resources, locations };
}

export function readStackExport(file: string): StackExportGraph {
  return parseStackExport(readJsonDocument(file), path.basename(file));
}
