#!/usr/bin/env node
/**
 * infra-cost: the monthly cost of this Pulumi project's stacks, offline.
 *   infra-cost review [--stack prod|testnet|all] [--baseline FILE] [--format table|markdown|json] [--out FILE]
 *   infra-cost estimate (--preview FILE [--preview FILE ...] | --state FILE) [--format table|json|markdown] [--out FILE]
 *                       [--fail-above USD] [--fail-above-percent P]
 *   infra-cost opportunities [--stack prod|testnet|all] [--format table|markdown|json] [--headroom FRACTION]
 *   infra-cost report --out FILE
 *   infra-cost prices refresh --out FILE [--catalog FILE] [--accept-price-jumps]
 * Exit 0 done, 2 bad input (one line on stderr naming file, field and what is allowed), 3 a stack's
 * increase passed --fail-above[-percent], 4 the previewed preview had failed, 1 anything else.
 */
// Node 22's on-disk compile cache: later runs skip recompiling the CLI and its dependencies
// (start-up is most of a small estimate's time). Older Node versions lack it and run as before.
(require("module") as { enableCompileCache?: () => unknown }).enableCompileCache?.();
import type { CommandIo } from "./commandIo";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { InputError, PreviewFailedError } from "../cost/sources/inputError";
import { writeFilesAtomically } from "./atomicOutput";
import { STACKS } from "../stacks";
// Types only: each command's module is required when that command runs, so `estimate` and
// `--help` never load what another command needs (the Pulumi SDKs, the billing client).
import type { EstimateOptions } from "./estimateCommand";
import type { OpportunitiesOptions } from "./opportunitiesCommand";
import type { BudgetReportOptions } from "./reportCommand";
import type { PricesRefreshCommandOptions } from "./pricesRefreshCommand";
import type { ReviewOptions } from "./reviewCommand";

export type { CommandIo };

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
/** `estimate --fail-above[-percent]`: a stack's monthly increase passed the threshold (the output is still written). */
export const EXIT_OVER_THRESHOLD = 3;
/** `estimate --preview` of a preview that failed (error diagnostics, no resource steps). */
export const EXIT_PREVIEW_FAILED = 4;

function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number < 0) throw new InvalidArgumentError("not a non-negative number (USD a month, or a percentage)");
  return number;
}

/** Errors that mean "the input is wrong" rather than "the tool broke". */
function isBadInput(err: unknown): boolean {
  return err instanceof InputError || (err instanceof Error && err.name === "ConfigError") || (err as { constructor?: { name?: string } })?.constructor?.name === "ConfigError";
}

function oneLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
}

/** A command that prints lines through `io` and decides its own exit code. */
type LineCommand = (io: CommandIo) => Promise<number>;

/** Line-oriented commands print one line per call; the CLI's io writes raw text. */
function lineIo(io: CommandIo): CommandIo {
  return { stdout: (l) => io.stdout(l.endsWith("\n") ? l : `${l}\n`), stderr: (l) => io.stderr(l.endsWith("\n") ? l : `${l}\n`) };
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  let result: { text: string; files: { file: string; content: string }[] } | undefined;
  let lineCommand: LineCommand | undefined;
  const program = new Command("infra-cost")
    .description("Monthly GCP cost of the Pulumi stacks, offline: review the optimisation or estimate a preview/state")
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined });

  program
    .command("review")
    .description("baseline (before) against the program run offline (after), per stack and in total")
    .addOption(new Option("--stack <stack>", "stack to review").choices([...STACKS, "all"]).default("all"))
    .option("--baseline <file>", "stack export to compare against (default baselines/<stack>.json)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "markdown", "json"]).default("table"))
    .option("--out <file>", "write the report here (markdown also writes an .svg chart beside it)")
    .action(async (options: ReviewOptions) => {
      const { runReview }: typeof import("./reviewCommand") = require("./reviewCommand");
      const review = await runReview(options);
      const files = options.out ? [{ file: options.out, content: review.text }, ...(review.chart ? [review.chart] : [])] : [];
      result = { text: options.out ? "" : review.text, files };
    });

  let overThreshold: string[] = [];
  let failedPreviews: string[] = [];
  program
    .command("estimate")
    .description("monthly cost of `pulumi preview --json` digests (one per stack, before/after) or a `pulumi stack export`")
    .option("--preview <file>", "a pulumi preview --json document; repeat once per stack for one comment with a cross-stack total", (file: string, files: string[] = []) => [...files, file])
    .option("--state <file>", "a pulumi stack export document")
    .addOption(new Option("--format <format>", "output format (markdown: a PR comment)").choices(["table", "json", "markdown"]).default("table"))
    .option("--out <file>", "write the estimate here instead of stdout")
    .option("--fail-above <usd>", `exit ${EXIT_OVER_THRESHOLD} when a stack's monthly cost increases by more than this many USD`, nonNegativeNumber)
    .option("--fail-above-percent <percent>", `exit ${EXIT_OVER_THRESHOLD} when a stack's monthly cost increases by more than this percentage`, nonNegativeNumber)
    .action((options: EstimateOptions & { out?: string }) => {
      const { runEstimate }: typeof import("./estimateCommand") = require("./estimateCommand");
      const estimate = runEstimate(options);
      overThreshold = estimate.overThreshold;
      failedPreviews = estimate.failedPreviews;
      result = options.out ? { text: "", files: [{ file: options.out, content: estimate.text }] } : { text: estimate.text, files: [] };
    });

  program
    .command("opportunities")
    .description("savings opportunities ranked by USD a month, each with the config change that realises it")
    .addOption(new Option("--stack <stack>", "stack to analyse").choices([...STACKS, "all"]).default("all"))
    .addOption(new Option("--format <format>", "output format").choices(["table", "markdown", "json"]).default("table"))
    .option("--headroom <fraction>", "headroom over pod requests when rightsizing (0.2 = 20 %)", (value: string) => {
      const fraction = Number(value);
      if (value.trim() === "" || !Number.isFinite(fraction)) throw new InvalidArgumentError("not a number (e.g. 0.2 for 20 %)");
      return fraction;
    })
    .action((options: OpportunitiesOptions) => {
      const { runOpportunities }: typeof import("./opportunitiesCommand") = require("./opportunitiesCommand");
      lineCommand = (commandIo) => runOpportunities(options, commandIo);
    });

  program
    .command("report")
    .description("the budget report (seed pool and testnet node pools before vs after, savings, opportunities)")
    .requiredOption("--out <file>", "markdown file to write; its SVG charts are written beside it")
    .action((options: BudgetReportOptions) => {
      const { runBudgetReport }: typeof import("./reportCommand") = require("./reportCommand");
      lineCommand = (commandIo) => runBudgetReport(options, commandIo);
    });

  program
    .command("prices")
    .description("the price catalog")
    .command("refresh")
    .description("rebuild the price catalog from Google's Cloud Billing Catalog API (credentials from the environment)")
    .requiredOption("--out <file>", "where to write the refreshed catalog")
    .option("--catalog <file>", "the catalog to refresh (default: the committed catalog/gcp-prices.json)")
    .option("--accept-price-jumps", "write prices that moved more than 3x instead of keeping the current ones")
    .action((options: PricesRefreshCommandOptions) => {
      const { runPricesRefresh }: typeof import("./pricesRefreshCommand") = require("./pricesRefreshCommand");
      lineCommand = (commandIo) => runPricesRefresh(options, lineIo(commandIo));
    });

  try {
    if (argv.length === 0) throw new InputError("infra-cost", "", "missing command (allowed: review, estimate, opportunities, report, prices refresh; see --help)");
    await program.parseAsync(argv, { from: "user" });
    if (lineCommand) return await lineCommand(io);
    if (!result) return EXIT_OK;
    if (result.files.length > 0) {
      try {
        writeFilesAtomically(result.files);
      } catch (err) {
        throw new InputError(result.files[0].file, "", `cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
    if (result.text) io.stdout(result.text);
    if (failedPreviews.length > 0) {
      io.stderr(`infra-cost: ${oneLine(failedPreviews.join("; "))}\n`);
      return EXIT_PREVIEW_FAILED;
    }
    if (overThreshold.length > 0) {
      io.stderr(`infra-cost: ${overThreshold.join("; ")}\n`);
      return EXIT_OVER_THRESHOLD;
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return EXIT_OK;
      if (err.code === "commander.help") {
        io.stderr(`infra-cost: ${argv.join(" ")}: missing subcommand (see infra-cost ${argv.join(" ")} --help)\n`);
        return EXIT_BAD_INPUT;
      }
      io.stderr(`infra-cost: ${oneLine(err.message.replace(/^error: /, ""))}\n`);
      return EXIT_BAD_INPUT;
    }
    if (err instanceof PreviewFailedError) {
      io.stderr(`infra-cost: ${oneLine(err.message)}\n`);
      return EXIT_PREVIEW_FAILED;
    }
    if (isBadInput(err)) {
      io.stderr(`infra-cost: ${oneLine((err as Error).message)}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`infra-cost: failed: ${oneLine((err as Error)?.message ?? String(err))}\n`);
    return EXIT_FAILED;
  }
}

if (require.main === module) {
  // google-auth-library probes the GCE metadata server and warns when it is absent; the refresh's
  // own one-line error already says how to provide credentials.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    if (warning.name !== "MetadataLookupWarning") process.stderr.write(`${warning.name}: ${warning.message}\n`);
  });
  main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => {
    process.exitCode = code;
  });
}
