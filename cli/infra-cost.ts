#!/usr/bin/env node
/**
 * infra-cost: the monthly cost of this Pulumi project's stacks, offline.
 *   infra-cost review [--stack prod|testnet|all] [--baseline FILE] [--format table|markdown|json] [--out FILE]
 *   infra-cost estimate (--preview FILE | --state FILE) [--format table|json|markdown] [--out FILE]
 *   infra-cost opportunities [--stack prod|testnet|all] [--format table|markdown|json] [--headroom FRACTION]
 *   infra-cost report --out FILE
 *   infra-cost prices refresh --out FILE [--catalog FILE] [--accept-price-jumps]
 * Exit 0 done, 2 bad input (one line on stderr naming file, field and what is allowed), 1 anything else.
 */
import type { CommandIo } from "./commandIo";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { InputError } from "../cost/sources/inputError";
import { writeFilesAtomically } from "./atomicOutput";
import { EstimateOptions, runEstimate } from "./estimateCommand";
import { OpportunitiesOptions, runOpportunities } from "../opportunities/command";
import { BudgetReportOptions, runBudgetReport } from "../report/command";
import { PricesRefreshCommandOptions, runPricesRefresh } from "../catalog/refresh";
import { ReviewOptions, runReview } from "./reviewCommand";
import { STACKS } from "../stacks";

export type { CommandIo };

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

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
      const review = await runReview(options);
      const files = options.out ? [{ file: options.out, content: review.text }, ...(review.chart ? [review.chart] : [])] : [];
      result = { text: options.out ? "" : review.text, files };
    });

  program
    .command("estimate")
    .description("monthly cost of a `pulumi preview --json` (before/after) or a `pulumi stack export`")
    .option("--preview <file>", "a pulumi preview --json document")
    .option("--state <file>", "a pulumi stack export document")
    .addOption(new Option("--format <format>", "output format (markdown: a PR comment)").choices(["table", "json", "markdown"]).default("table"))
    .option("--out <file>", "write the estimate here instead of stdout")
    .action((options: EstimateOptions & { out?: string }) => {
      const text = runEstimate(options);
      result = options.out ? { text: "", files: [{ file: options.out, content: text }] } : { text, files: [] };
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
      lineCommand = (commandIo) => runOpportunities(options, commandIo);
    });

  program
    .command("report")
    .description("the budget report (seed pool and testnet node pools before vs after, savings, opportunities)")
    .requiredOption("--out <file>", "markdown file to write; its SVG charts are written beside it")
    .action((options: BudgetReportOptions) => {
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
