/**
 * Finds and reads a stack's usage file: `--usage FILE`, else `usage.<stack>.yml` beside the stack's
 * `Pulumi.<stack>.yaml`. A bad file is one line naming the file, the key, the value and what is
 * allowed (exit 2); a stack without one is priced without usage ("usage not stated").
 */
import * as fs from "fs";
import * as path from "path";
import type * as Yaml from "yaml";
import type { z } from "zod";
import { InputError } from "../cost/sources/inputError";
import type * as UsageFileSchema from "./usageFileSchema";
import type { UsageFile } from "./usageFileSchema";
import { INTERNET_DESTINATIONS, USAGE_KEYS } from "./usageKeys";

// The YAML parser and the schema (zod: about 170 modules between them) load when a usage file is
// read, not with this module: `estimate` of a preview whose stack has no usage file starts without
// them (bench/cost.ts (c)).
const yaml = (): typeof Yaml => require("yaml");
const usageFileSchema = (): typeof UsageFileSchema.usageFileSchema => (require("./usageFileSchema") as typeof UsageFileSchema).usageFileSchema;

export interface ReadUsageFile {
  file: string;
  /** The file as reports show it. */
  shown: string;
  usage: UsageFile;
}

/** usage.<stack>.yml in the folder of the stack files. */
export function defaultUsageFile(stack: string, root: string = projectRoot()): string {
  return path.join(root, `usage.${stack}.yml`);
}

/** The stack's usage file: the given one (must exist), else the default one when it exists. */
export function readStackUsageFile(stack: string, given?: string, showPathsFrom: string = process.cwd()): ReadUsageFile | undefined {
  const file = given ?? defaultUsageFile(stack);
  if (given === undefined && !fs.existsSync(file)) return undefined;
  // A file the user named is shown as named; the default one relative to where the review is shown from.
  const shown = given ?? (path.relative(showPathsFrom, file).split(path.sep).join("/") || file);
  return { file, shown, usage: readUsageFile(file, shown) };
}

/**
 * The project root, found on use: the policy pack bundles this file and reads the usage file its
 * policy config names, where no Pulumi.yaml need be above the pack.
 */
function projectRoot(): string {
  return (require("../program/projectRoot") as typeof import("../program/projectRoot")).PROJECT_ROOT;
}

export function readUsageFile(file: string, shown: string = file): UsageFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(shown, "", `cannot read the usage file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let document: unknown;
  try {
    document = yaml().parse(text);
  } catch (err) {
    throw new InputError(shown, "", `not YAML (${(err as Error).message.split("\n")[0]})`);
  }
  return parseUsageFile(document, shown);
}

/** Validates a parsed usage document; the first problem as one line. */
export function parseUsageFile(document: unknown, shown: string): UsageFile {
  const parsed = usageFileSchema().safeParse(document ?? {});
  if (parsed.success) return parsed.data;
  throw new InputError(shown, ...describeUsageIssue(parsed.error.issues[0], document));
}

function describeUsageIssue(issue: z.core.$ZodIssue, document: unknown): [string, string] {
  const at = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    return [at.join("."), `unknown key ${JSON.stringify(issue.keys[0])} (allowed: ${allowedKeys(at).join(", ")})`];
  }
  const value = valueAt(document, at);
  if (value === undefined && at.length > 0) return [at.join("."), "is required"];
  const shownValue = typeof value === "object" && value !== null ? "" : `${JSON.stringify(value)} `;
  const message = issue.code === "invalid_type" && !issue.message.startsWith("must") ? `must be ${issue.expected}` : issue.message;
  return [at.join("."), `${shownValue}${message}`];
}

function allowedKeys(at: string[]): string[] {
  // Inside an entry (resource_usage.<address> or its internet_egress_gb) or at the top.
  if (at.length === 0) return Object.keys(usageFileSchema().shape);
  if (at[at.length - 1] === "internet_egress_gb") return [...INTERNET_DESTINATIONS];
  return [...USAGE_KEYS, "source", "inferred"];
}

function valueAt(root: unknown, at: string[]): unknown {
  let current = root;
  for (const part of at) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
