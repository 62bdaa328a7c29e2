/**
 * `infra-cost opportunities`: records the program of each stack offline, runs the analyses and
 * returns the ranked opportunities as a table, markdown or the versioned JSON document, for stdout
 * or --out.
 */
import type { CommandOutput } from "./command";
import { STACKS, type StackName } from "../program/stacks";
import { InputError } from "../cost/sources/inputError";
import { loadCatalog } from "../catalog/catalog";
import { AnalysisOptions, OpportunitiesDocument, analyseStack, opportunitiesDocument } from "../opportunities/analyse";
import { renderOpportunities } from "../opportunities/render";

export interface OpportunitiesOptions {
  stack: StackName | "all";
  format: "table" | "markdown" | "json";
  /** Headroom over pod requests when rightsizing, as a fraction (0.2 = 20 %). */
  headroom?: number;
  /** Write the opportunities here instead of stdout. */
  out?: string;
}

const STACK_CHOICES = [...STACKS, "all"];
const FORMAT_CHOICES = ["table", "markdown", "json"];

function validate(options: OpportunitiesOptions): void {
  if (!STACK_CHOICES.includes(options.stack)) throw new InputError("--stack", "", `unknown stack ${JSON.stringify(options.stack)} (allowed: ${STACK_CHOICES.join(", ")})`);
  if (!FORMAT_CHOICES.includes(options.format)) throw new InputError("--format", "", `unknown format ${JSON.stringify(options.format)} (allowed: ${FORMAT_CHOICES.join(", ")})`);
  const headroom = options.headroom;
  if (headroom !== undefined && !(Number.isFinite(headroom) && headroom >= 0 && headroom <= 4)) {
    throw new InputError("--headroom", "", `${JSON.stringify(headroom)} is not a headroom fraction (0 to 4, e.g. 0.2 for 20 %)`);
  }
}

/** The document for the stacks, from the program recorded now. */
export async function buildOpportunities(stack: StackName | "all", options: AnalysisOptions = {}): Promise<OpportunitiesDocument> {
  // Loaded lazily, as the review does: the Pulumi SDK is only needed to run the program.
  const offline: typeof import("../offline/recordStack") = require("../offline/recordStack");
  const recorded = stack === "all" ? await offline.recordAllStacks() : [await offline.recordStack(stack)];
  const catalog = loadCatalog();
  const findings = recorded.map((r) => ({ stack: r.stack, findings: analyseStack({ stack: r.stack, resources: r.resources, config: r.config }, catalog, options) }));
  return opportunitiesDocument(findings, catalog, options);
}

/** Bad input (an option outside what is allowed) is thrown before the program runs. */
export async function opportunitiesCommand(options: OpportunitiesOptions): Promise<CommandOutput> {
  validate(options);
  const document = await buildOpportunities(options.stack, { headroom: options.headroom });
  const text = renderOpportunities(document, options.format);
  return options.out ? { text: "", files: [{ file: options.out, content: text }] } : { text };
}
