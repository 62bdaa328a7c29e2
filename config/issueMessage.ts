/**
 * A schema failure as the one line a person reads: the stack, the key (as a path such as
 * `seedPool.machineType`), the value (or `[secret]`) and what is allowed.
 */
import { z } from "zod";
import { stackSchema } from "./stackSchemas";

export function describeIssue(stack: string, own: Record<string, unknown>, issue: z.core.$ZodIssue, secret: Set<string>): string {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const where = path.length ? formatPath(path) : "config";
    const allowed = allowedKeysAt(stack, path);
    return `${stack}: ${where} has unknown key ${JSON.stringify(issue.keys[0])}${allowed ? ` (allowed: ${allowed.join(", ")})` : ""}`;
  }
  const value = valueAt(own, path);
  if (value === undefined) return `${stack}: ${formatPath(path)} is required`;
  const shown = secret.has(path[0]) ? "[secret]" : JSON.stringify(value);
  const message = issue.code === "invalid_type" ? `must be ${article(issue.expected)}` : issue.message;
  return `${stack}: ${formatPath(path)} ${shown} ${message}`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function allowedKeysAt(stack: string, path: string[]): string[] | undefined {
  let schema: z.ZodType = stackSchema(stack);
  for (const part of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[part];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return undefined;
    if (!schema) return undefined;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  while (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) schema = schema.unwrap() as z.ZodType;
  return schema;
}

function valueAt(root: unknown, path: string[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** seedPool.machineType, testnetChains[1].disk.type */
export function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (/^\d+$/.test(String(p)) ? `[${p}]` : i === 0 ? String(p) : `.${p}`)).join("");
}
