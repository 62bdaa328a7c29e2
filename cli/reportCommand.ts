/**
 * `infra-cost report --out FILE`: the budget report and its charts (FILE's name with
 * -seed-pool.svg and -testnet.svg), for the entry point to write all or nothing.
 */
import type { CommandOutput } from "./command";
import { InputError } from "../cost/sources/inputError";
import { renderBudgetReportFiles } from "../report/renderBudgetReport";

export interface BudgetReportOptions {
  /** The markdown file to write, e.g. docs/budget-report.md. */
  out: string;
}

/** The report's files, and on stdout the line naming them. */
export async function reportCommand(options: BudgetReportOptions): Promise<CommandOutput> {
  if (!options.out || !options.out.endsWith(".md")) throw new InputError("--out", "", `${JSON.stringify(options.out ?? "")} is not a markdown file path (e.g. docs/budget-report.md)`);
  const files = await renderBudgetReportFiles(options.out);
  return { text: `wrote ${files.map((f) => f.file).join(", ")}\n`, files };
}
