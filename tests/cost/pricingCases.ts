/**
 * The reader and pricer cases of tests/cost/cases/<type>/<case>/ (see README.md there): finding
 * them, reading their input into ResourceRecords, and turning their hand-worked `expect` into jest
 * matchers. The one runner is pricingCases.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { ResourceRecord } from "../../graph/resourceRecord";
import { resource } from "./records";

export const CASES_DIR = path.join(__dirname, "cases");

/** One resource of a case's graph, as `case.yaml` writes it. */
interface CaseResource {
  type: string;
  name: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** Names of other resources of the case (or URNs) this one depends on. */
  dependencies?: string[];
  /** false for a component resource; default true. */
  custom?: boolean;
}

export interface PricingCase {
  description: string;
  /** The graph priced: the resource under test and the context its reader needs. */
  resources?: CaseResource[];
  /** Names of the resources whose priced result is the golden, in this order (default: every resource of the folder's type). */
  check?: string[];
  /** A before/after pair of graphs compared (cost/costComparison.ts) instead of one graph priced. */
  compare?: { before: CaseResource[]; after: CaseResource[] };
  /** Figures worked out by hand, matched against the result (see README.md for the forms). */
  expect?: Record<string, unknown>;
}

/**
 * The folder a resource type's cases live in: the token's parts joined by "-", without the module's
 * file name where it repeats the type's ("gcp:container/nodePool:NodePool" -> "gcp-container-NodePool",
 * "kubernetes:core/v1:Service" -> "kubernetes-core-v1-Service").
 */
export function caseFolderOf(type: string): string {
  const [provider, module, name] = type.split(":");
  const parts = module.split("/");
  if (parts.length > 1 && parts[parts.length - 1].toLowerCase() === name.toLowerCase()) parts.pop();
  return [provider, ...parts, name].join("-");
}

/** Every case: [type folder, case folder]. */
export function pricingCaseDirs(): { typeFolder: string; caseName: string; dir: string }[] {
  return fs
    .readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((typeEntry) =>
      fs
        .readdirSync(path.join(CASES_DIR, typeEntry.name), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((caseEntry) => ({ typeFolder: typeEntry.name, caseName: caseEntry.name, dir: path.join(CASES_DIR, typeEntry.name, caseEntry.name) })),
    );
}

export function readPricingCase(dir: string): PricingCase {
  return parseYaml(fs.readFileSync(path.join(dir, "case.yaml"), "utf8")) as PricingCase;
}

export function recordsOf(resources: CaseResource[]): ResourceRecord[] {
  const urnOf = new Map(resources.map((r) => [r.name, resource(r.type, r.name, {}).urn]));
  return resources.map((r) =>
    resource(r.type, r.name, r.inputs ?? {}, {
      ...(r.outputs ? { outputs: r.outputs } : {}),
      ...(r.dependencies ? { dependencies: r.dependencies.map((d) => (d.startsWith("urn:") ? d : urnOf.get(d) ?? d)) } : {}),
      ...(r.custom === false ? { custom: false } : {}),
    }),
  );
}

/**
 * The hand-worked expectation as a jest matcher object: `{about, digits}` is a number close to
 * `about` (to `digits` decimals, default 6), `{matches}` a string matching the expression,
 * `{includes: [...]}` an array holding those elements, `{excludes: [...]}` one holding none of
 * them; other objects match as subsets
 * (`toMatchObject`), arrays element by element. `{absent: true}` (a field not set) is checked by
 * `expectAbsentFields`, as `toMatchObject` cannot say it.
 */
export function expectation(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expectation);
  if (value && typeof value === "object") {
    const spec = value as Record<string, unknown>;
    if ("about" in spec) return expect.closeTo(spec.about as number, (spec.digits as number | undefined) ?? 6);
    if ("matches" in spec) return expect.stringMatching(new RegExp(spec.matches as string));
    if ("includes" in spec) return expect.arrayContaining((spec.includes as unknown[]).map(elementExpectation));
    if ("excludes" in spec) return expect.not.arrayContaining((spec.excludes as unknown[]).map(elementExpectation));
    return Object.fromEntries(Object.entries(spec).filter(([, inner]) => !isAbsent(inner)).map(([key, inner]) => [key, expectation(inner)]));
  }
  return value;
}

/** An element of `includes`/`excludes`: an object matches as a subset there too (jest compares elements whole). */
function elementExpectation(value: unknown): unknown {
  const matcher = expectation(value);
  return value && typeof value === "object" && !Array.isArray(value) && matcher === Object(matcher) && !("asymmetricMatch" in (matcher as object))
    ? expect.objectContaining(matcher as Record<string, unknown>)
    : matcher;
}

export function isAbsent(value: unknown): boolean {
  return !!value && typeof value === "object" && (value as Record<string, unknown>).absent === true;
}

/** The fields an expectation marks `{absent: true}` are not set on `actual`, at any depth. */
export function expectAbsentFields(actual: unknown, expected: unknown, at: string): void {
  if (!expected || typeof expected !== "object" || Array.isArray(expected)) return;
  for (const [key, inner] of Object.entries(expected as Record<string, unknown>)) {
    const value = (actual as Record<string, unknown> | undefined)?.[key];
    if (isAbsent(inner)) expect({ field: `${at}.${key}`, value }).toEqual({ field: `${at}.${key}`, value: undefined });
    else expectAbsentFields(value, inner, `${at}.${key}`);
  }
}

