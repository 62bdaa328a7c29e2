/**
 * `infra-cost opportunities`: records the program of each stack offline, runs the analyses and
 * prints the ranked opportunities as a table, markdown or the versioned JSON document. The CLI
 * wires this function to its options; it never writes files.
 */
import { CommandIo, reportCommandFailure } from "./commandIo";
import { STACKS, type StackName } from "../stacks";
import { InputError } from "../cost/sources/inputError";
import { loadCatalog } from "../catalog/catalog";
import { AnalysisOptions, OpportunitiesDocument, analyseStack, opportunitiesDocument } from "../opportunities/analyse";
import { renderOpportunities } from "../opportunities/render";

export interface OpportunitiesOptions {
  stack: StackName | "all";
  format: "table" | "markdown" | "json";
  /** Headroom over pod requests when rightsizing, as a fraction (0.2 = 20 %). */
  headroom?: number;
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

/** Exit 0 done, 2 bad input (one line naming the option and what is allowed), 1 anything else. */
export async function runOpportunities(options: OpportunitiesOptions, io: CommandIo): Promise<number> {
  try {
    validate(options);
    const document = await buildOpportunities(options.stack, { headroom: options.headroom });
    io.stdout(renderOpportunities(document, options.format));
    return 0;
  } catch (err) {
    return reportCommandFailure("infra-cost opportunities", err, io);
  }
}
