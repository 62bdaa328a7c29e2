/**
 * Turns one resource of a deployment-v3 document (a stack export's resource, a preview step's
 * old/new state) into a ResourceRecord, checking the fields the engine relies on.
 */
import { ResourceRecord, nameFromUrn } from "../../graph/resourceRecord";
import { InputError } from "./inputError";
import { isObject } from "./jsonDocument";

/** A record plus what the deployment says beyond the ResourceRecord shape. */
export type DeploymentRecord = ResourceRecord & {
  propertyDependencies?: Record<string, string[]>;
  external?: boolean;
  /** A stack export's old copy of an interrupted replacement (`"delete": true`): it still exists and bills. */
  pendingDelete?: boolean;
};

/** The resource type a URN names: the last `$`-separated part of its third `::` field. */
export function typeOfUrn(urn: string): string {
  return urn.split("::")[2]?.split("$").pop() ?? "";
}

export function toResourceRecord(value: unknown, file: string, field: string): DeploymentRecord {
  if (!isObject(value)) throw new InputError(file, field, "expected a resource object with urn and type");
  if (typeof value.urn !== "string" || !value.urn.startsWith("urn:pulumi:")) {
    throw new InputError(file, `${field}.urn`, 'expected a Pulumi URN string ("urn:pulumi:...")');
  }
  if (typeof value.type !== "string" || value.type === "") throw new InputError(file, `${field}.type`, "expected a type token string (every resource has a type)");
  if (value.type !== typeOfUrn(value.urn)) {
    throw new InputError(file, `${field}.type`, `"${value.type}" is not the type its URN names ("${typeOfUrn(value.urn)}"): one URN cannot have two types`);
  }
  for (const key of ["inputs", "outputs"] as const) {
    if (value[key] !== undefined && value[key] !== null && !isObject(value[key])) throw new InputError(file, `${field}.${key}`, "expected an object");
  }
  const record: DeploymentRecord = {
    urn: value.urn,
    type: value.type,
    name: nameFromUrn(value.urn),
    // Older documents omit `custom` on custom resources only when false is meant; providers and rules are custom.
    custom: value.custom === undefined ? !value.type.startsWith("pulumi:pulumi:") : value.custom === true,
    inputs: (value.inputs as Record<string, unknown> | undefined) ?? {},
  };
  if (isObject(value.outputs)) record.outputs = value.outputs;
  if (typeof value.parent === "string" && value.parent) record.parent = value.parent;
  if (typeof value.provider === "string" && value.provider) record.provider = value.provider;
  if (Array.isArray(value.dependencies)) record.dependencies = value.dependencies.filter((d): d is string => typeof d === "string");
  if (isObject(value.propertyDependencies)) record.propertyDependencies = value.propertyDependencies as Record<string, string[]>;
  if (value.protect === true) record.protect = true;
  if (value.retainOnDelete === true) record.retainOnDelete = true;
  // Deployment v3 spells it importID; records spell it importId.
  const importId = value.importID ?? value.importId;
  if (typeof importId === "string" && importId) record.importId = importId;
  if (value.external === true) record.external = true;
  if (value.delete === true) record.pendingDelete = true;
  return record;
}
