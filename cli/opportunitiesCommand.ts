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
import { priceResources } from "../cost/engine";
import { readStackUsageFile } from "../usage/readUsageFile";
import { priceUsage } from "../usage/priceUsage";
import type { StackUsage } from "../usage/usageModel";
import { usageMarkdownLines, usageTableLines } from "./renderUsage";

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
  return (await buildOpportunitiesWithUsage(stack, options)).document;
}

/**
 * The document and, beside it, each stack's usage-based lines on the program as it is now (its
 * usage file and stated volume claims): what bills by use is no opportunity, but shown apart with
 * its source so the two are read together.
 */
async function buildOpportunitiesWithUsage(stack: StackName | "all", options: AnalysisOptions = {}): Promise<{ document: OpportunitiesDocument; usage: { stack: string; usage: StackUsage }[] }> {
  // Loaded lazily, as the review does: the Pulumi SDK is only needed to run the program.
  const offline: typeof import("../offline/recordStack") = require("../offline/recordStack");
  const recorded = stack === "all" ? await offline.recordAllStacks() : [await offline.recordStack(stack)];
  const catalog = loadCatalog();
  const findings = recorded.map((r) => ({ stack: r.stack, findings: analyseStack({ stack: r.stack, resources: r.resources, config: r.config }, catalog, options) }));
  // The program alone (no baseline): an address only the baseline has (a deleted chain) is checked by `review`.
  const usage = priceUsage(
    recorded.map((r) => ({ stack: r.stack, usageFile: readStackUsageFile(r.stack), before: null, after: { records: r.resources, priced: priceResources(r.resources, catalog) }, partial: true })),
    catalog,
  );
  return { document: opportunitiesDocument(findings, catalog, options), usage: recorded.map((r, i) => ({ stack: r.stack, usage: usage[i] })) };
}

function usageText(usage: { stack: string; usage: StackUsage }[], format: OpportunitiesOptions["format"]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  if (format === "markdown") return ["", "## Usage (apart from the opportunities)", "", ...usage.flatMap((u) => usageMarkdownLines(u.stack, u.usage, cell))].join("\n");
  return ["", "Usage (apart from the opportunities):", ...usage.flatMap((u) => [`${u.stack}:`, ...usageTableLines(u.stack, u.usage)])].join("\n") + "\n";
}

/** Bad input (an option outside what is allowed) is thrown before the program runs. */
export async function opportunitiesCommand(options: OpportunitiesOptions): Promise<CommandOutput> {
  validate(options);
  const { document, usage } = await buildOpportunitiesWithUsage(options.stack, { headroom: options.headroom });
  const text =
    options.format === "json"
      ? JSON.stringify({ ...JSON.parse(renderOpportunities(document, "json")), usage: Object.fromEntries(usage.map((u) => [u.stack, u.usage])) }, null, 2) + "\n"
      : renderOpportunities(document, options.format) + usageText(usage, options.format);
  return options.out ? { text: "", files: [{ file: options.out, content: text }] } : { text };
}
