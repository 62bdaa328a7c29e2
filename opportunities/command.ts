/**
 * `infra-cost opportunities`: records the program of each stack offline, runs the analyses and
 * prints the ranked opportunities as a table, markdown or the versioned JSON document. The CLI
 * wires this function to its options; it never writes files.
 */
import type { CommandIo } from "../cli/commandIo";
import { loadCatalog } from "../catalog/catalog";
import { STACKS, type StackName } from "../stacks";
import { InputError } from "../cost/sources/inputError";
import { AnalysisOptions, OpportunitiesDocument, analyseStack, opportunitiesDocument } from "./analyse";
import { renderOpportunitiesMarkdown, renderOpportunitiesTable } from "./render";

export interface OpportunitiesOptions {
  stack: StackName | "all";
  format: "table" | "markdown" | "json";
  /** Headroom over pod requests when rightsizing, as a fraction (0.2 = 20 %). */
  headroom?: number;
}

export type { CommandIo } from "../cli/commandIo";

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
export async function buildOpportunities(stack: OpportunitiesOptions["stack"], options: AnalysisOptions = {}): Promise<OpportunitiesDocument> {
  // Loaded lazily, as the review does: the Pulumi SDK is only needed to run the program.
  const offline: typeof import("../offline/recordStack") = require("../offline/recordStack");
  const recorded = stack === "all" ? await offline.recordAllStacks() : [await offline.recordStack(stack as StackName)];
  const catalog = loadCatalog();
  const findings = recorded.map((r) => ({ stack: r.stack, findings: analyseStack({ stack: r.stack, resources: r.resources, config: r.config }, catalog, options) }));
  return opportunitiesDocument(findings, catalog, options);
}

export function renderOpportunities(document: OpportunitiesDocument, format: OpportunitiesOptions["format"]): string {
  if (format === "json") return JSON.stringify(document, null, 2) + "\n";
  if (format === "markdown") return `# Savings opportunities\n\n${renderOpportunitiesMarkdown(document)}`;
  return renderOpportunitiesTable(document);
}

/** Exit 0 done, 2 bad input (one line naming the option and what is allowed), 1 anything else. */
export async function runOpportunities(options: OpportunitiesOptions, io: CommandIo): Promise<number> {
  try {
    validate(options);
    const document = await buildOpportunities(options.stack, { headroom: options.headroom });
    io.stdout(renderOpportunities(document, options.format));
    return 0;
  } catch (err) {
    const message = ((err as Error)?.message ?? String(err)).split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
    const badInput = err instanceof InputError || (err as Error)?.name === "ConfigError" || (err as { constructor?: { name?: string } })?.constructor?.name === "ConfigError";
    io.stderr(`infra-cost opportunities: ${badInput ? "" : "failed: "}${message}\n`);
    return badInput ? 2 : 1;
  }
}
