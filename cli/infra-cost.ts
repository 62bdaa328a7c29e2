#!/usr/bin/env node
/**
 * infra-cost: the monthly cost of this Pulumi project's stacks, offline.
 *   infra-cost review [--stack prod|testnet|all] [--baseline FILE] [--usage FILE] [--format table|markdown|json] [--out FILE]
 *   infra-cost estimate (--preview FILE [--preview FILE ...] | --state FILE) [--format table|json|markdown] [--out FILE]
 *                       [--fail-above USD] [--fail-above-percent P]
 *   infra-cost opportunities [--stack prod|testnet|all] [--format table|markdown|json] [--headroom FRACTION] [--out FILE]
 *   infra-cost report --out FILE
 *   infra-cost prices refresh --out FILE [--catalog FILE] [--accept-price-jumps]
 *   infra-cost reconcile (--billing FILE [--billing FILE ...] | --bigquery PROJECT.DATASET.TABLE) [--month YYYYMM ...]
 *                        [--stack prod|testnet|all] [--baseline FILE] [--format table|markdown|json] [--out FILE]
 *                        [--fail-above-drift-percent P]
 * Exit 0 done, 2 bad input (one line on stderr naming file, field and what is allowed), 3 a stack's
 * increase passed --fail-above[-percent] (reconcile: a drift passed --fail-above-drift-percent),
 * 4 the previewed preview had failed, 1 anything else (reconcile: the BigQuery table unreadable).
 * Every command is one function, options in and output out (cli/command.ts); this file only parses
 * the arguments and hands the chosen command to `runCommand`, which alone writes and prints.
 */
// Node 22's on-disk compile cache: later runs skip recompiling the CLI and its dependencies
// (start-up is most of a small estimate's time). Older Node versions lack it and run as before.
(require("module") as { enableCompileCache?: () => unknown }).enableCompileCache?.();
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_OVER_THRESHOLD, describeFailure, oneLine, runCommand, type CommandIo } from "./command";
import { STACKS } from "../program/stacks";
// Types only: each command's module is required when that command runs, so `estimate` and
// `--help` never load what another command needs (the Pulumi SDKs, the billing client).
import type { EstimateOptions } from "./estimateCommand";
import type { OpportunitiesOptions } from "./opportunitiesCommand";
import type { BudgetReportOptions } from "./reportCommand";
import type { PricesRefreshCommandOptions } from "./pricesRefreshCommand";
import type { ReviewOptions } from "./reviewCommand";
import type { UsageOptions } from "./usageCommand";
import type { ReconcileOptions } from "./reconcileCommand";

export type { CommandIo };
export { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, EXIT_OVER_THRESHOLD, EXIT_PREVIEW_FAILED } from "./command";

/** Commander's collector for an option given more than once. */
function repeatable(value: string, values: string[] = []): string[] {
  return [...values, value];
}

function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number < 0) throw new InvalidArgumentError("not a non-negative number (USD a month, or a percentage)");
  return number;
}

/** The command the parsed arguments chose, bound to its options. */
type ChosenCommand = (io: CommandIo) => Promise<number>;

/** The one prefix of every stderr line, whichever command wrote it. */
const PREFIX = "infra-cost";

export async function main(argv: string[], io: CommandIo): Promise<number> {
  let chosen: ChosenCommand | undefined;
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
    .option("--baseline-from-billing <file>", "billing export / FOCUS file or folder: the before side is what it billed in --month, per resource it names; repeatable", repeatable)
    .option("--month <YYYYMM>", "invoice month of --baseline-from-billing")
    .option("--prices-from-billing <file>", "billing export / FOCUS file or folder: price both sides at its effective prices per SKU (net / usage); repeatable", repeatable)
    .option("--usage <file>", "usage file of the one stack (default usage.<stack>.yml beside Pulumi.<stack>.yaml, when it exists)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "markdown", "json"]).default("table"))
    .option("--out <file>", "write the report here (markdown also writes an .svg chart beside it)")
    .action((options: ReviewOptions) => {
      const { reviewCommand }: typeof import("./reviewCommand") = require("./reviewCommand");
      chosen = (commandIo) => runCommand(PREFIX, reviewCommand, options, commandIo);
    });

  program
    .command("estimate")
    .description("monthly cost of `pulumi preview --json` digests (one per stack, before/after) or a `pulumi stack export`")
    .option("--preview <file>", "a pulumi preview --json document; repeat once per stack for one comment with a cross-stack total", (file: string, files: string[] = []) => [...files, file])
    .option("--state <file>", "a pulumi stack export document")
    .addOption(new Option("--format <format>", "output format (markdown: a PR comment)").choices(["table", "json", "markdown"]).default("table"))
    .option("--out <file>", "write the estimate here instead of stdout")
    .option("--usage <file>", "usage file of the one stack estimated (default usage.<stack>.yml beside Pulumi.<stack>.yaml, when it exists)")
    .option("--fail-above <usd>", `exit ${EXIT_OVER_THRESHOLD} when a stack's monthly cost increases by more than this many USD`, nonNegativeNumber)
    .option("--fail-above-percent <percent>", `exit ${EXIT_OVER_THRESHOLD} when a stack's monthly cost increases by more than this percentage`, nonNegativeNumber)
    .option("--prices-from-billing <file>", "billing export / FOCUS file or folder: price at its effective prices per SKU (net / usage); repeatable", repeatable)
    .action((options: EstimateOptions) => {
      const { estimateCommand }: typeof import("./estimateCommand") = require("./estimateCommand");
      chosen = (commandIo) => runCommand(PREFIX, estimateCommand, options, commandIo);
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
    .option("--out <file>", "write the opportunities here instead of stdout")
    .action((options: OpportunitiesOptions) => {
      const { opportunitiesCommand }: typeof import("./opportunitiesCommand") = require("./opportunitiesCommand");
      chosen = (commandIo) => runCommand(PREFIX, opportunitiesCommand, options, commandIo);
    });

  program
    .command("report")
    .description("the budget report (seed pool and testnet node pools before vs after, savings, opportunities)")
    .requiredOption("--out <file>", "markdown file to write; its SVG charts are written beside it")
    .option("--billing <file>", "billing export (NDJSON, .gz, Parquet) or FOCUS (CSV, Parquet) file, or a folder of them; repeatable: the report gains its billed side", repeatable)
    .option("--before-month <YYYYMM>", "invoice month before the change (reconciled against the baselines)")
    .option("--after-month <YYYYMM>", "invoice month after the change (reconciled against the program)")
    .action((options: BudgetReportOptions) => {
      const { reportCommand }: typeof import("./reportCommand") = require("./reportCommand");
      chosen = (commandIo) => runCommand(PREFIX, reportCommand, options, commandIo);
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
      const { pricesRefreshCommand }: typeof import("./pricesRefreshCommand") = require("./pricesRefreshCommand");
      chosen = (commandIo) => runCommand(PREFIX, pricesRefreshCommand, options, commandIo);
    });

  program
    .command("reconcile")
    .description("the bill (Cloud Billing export / FOCUS files, or the export table in BigQuery) against what the program declares: drift and coverage per month, stack and resource")
    .option("--billing <file>", "billing export (NDJSON, .gz, Parquet) or FOCUS (CSV, Parquet) file, or a folder of them; repeatable", repeatable)
    .option("--bigquery <table>", "the export table PROJECT.DATASET.TABLE, aggregated by BigQuery (read-only; credentials from the environment)")
    .option("--month <YYYYMM>", "invoice month; repeatable (default: every month in the bill)", repeatable)
    .addOption(new Option("--stack <stack>", "stack to reconcile").choices([...STACKS, "all"]).default("all"))
    .option("--baseline <file>", "price this stack export instead of the program (a month before the change); needs --stack")
    .addOption(new Option("--format <format>", "output format").choices(["table", "markdown", "json"]).default("table"))
    .option("--out <file>", "write the report here instead of stdout")
    .option("--fail-above-drift-percent <percent>", `exit ${EXIT_OVER_THRESHOLD} when a resource or a stack drifts more than this percentage from its prediction`, nonNegativeNumber)
    .action((options: ReconcileOptions) => {
      const { reconcileCommand }: typeof import("./reconcileCommand") = require("./reconcileCommand");
      chosen = (commandIo) => runCommand("infra-cost reconcile", reconcileCommand, options, commandIo);
    });

  program
    .command("usage")
    .description("a usage file from a billing export: the traffic SKUs' GiB of one month per node pool (or cluster), marked source: billing export YYYYMM")
    .option("--from-billing <file>", "billing export (NDJSON, .gz, Parquet) or FOCUS (CSV, Parquet) file, or a folder of them; repeatable", repeatable)
    .option("--month <YYYYMM>", "invoice month")
    .addOption(new Option("--stack <stack>", "the stack whose project's traffic to read").choices([...STACKS]))
    .option("--out <file>", "write the usage file here instead of stdout (e.g. usage.prod.yml)")
    .action((options: UsageOptions) => {
      const { usageCommand }: typeof import("./usageCommand") = require("./usageCommand");
      chosen = (commandIo) => runCommand(PREFIX, usageCommand, options, commandIo);
    });

  if (argv.length === 0) {
    io.stderr(`${PREFIX}: missing command (allowed: review, estimate, opportunities, report, prices refresh, reconcile, usage; see --help)\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (!(err instanceof CommanderError)) {
      const { line, exitCode } = describeFailure(err);
      io.stderr(`${PREFIX}: ${line}\n`);
      return exitCode;
    }
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return EXIT_OK;
    if (err.code === "commander.help") {
      io.stderr(`${PREFIX}: ${argv.join(" ")}: missing subcommand (see infra-cost ${argv.join(" ")} --help)\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`${PREFIX}: ${oneLine(err.message.replace(/^error: /, ""))}\n`);
    return EXIT_BAD_INPUT;
  }
  return chosen ? chosen(io) : EXIT_OK;
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
