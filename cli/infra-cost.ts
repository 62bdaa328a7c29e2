#!/usr/bin/env node
/**
 * infra-cost: the monthly cost of this Pulumi project's stacks, offline.
 *   infra-cost review [--stack prod|testnet|all] [--baseline FILE] [--format table|markdown|json] [--out FILE]
 *   infra-cost estimate (--preview FILE | --state FILE) [--format table|json]
 * Exit 0 done, 2 bad input (one line on stderr naming file, field and what is allowed), 1 anything else.
 */
import { Command, CommanderError, Option } from "commander";
import { InputError } from "../cost/sources/inputError";
import { writeFilesAtomically } from "./atomicOutput";
import { runEstimate } from "./estimateCommand";
import { REVIEW_STACKS, ReviewOptions, runReview } from "./reviewCommand";

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

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

export async function main(argv: string[], io: CommandIo): Promise<number> {
  let result: { text: string; files: { file: string; content: string }[] } | undefined;
  const program = new Command("infra-cost")
    .description("Monthly GCP cost of the Pulumi stacks, offline: review the optimisation or estimate a preview/state")
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined });

  program
    .command("review")
    .description("baseline (before) against the program run offline (after), per stack and in total")
    .addOption(new Option("--stack <stack>", "stack to review").choices([...REVIEW_STACKS, "all"]).default("all"))
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
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action((options: { preview?: string; state?: string; format: "table" | "json" }) => {
      result = { text: runEstimate(options), files: [] };
    });

  try {
    if (argv.length === 0) throw new InputError("infra-cost", "", "missing command (allowed: review, estimate; see --help)");
    await program.parseAsync(argv, { from: "user" });
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
  main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => {
    process.exitCode = code;
  });
}
