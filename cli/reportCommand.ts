/**
 * `infra-cost report --out FILE`: the budget report and its charts (FILE's name with
 * -seed-pool.svg and -testnet.svg), for the entry point to write all or nothing; with
 * `--billing FILE --before-month YYYYMM --after-month YYYYMM`, with its billed side.
 */
import type { CommandOutput } from "./command";
import { InputError } from "../cost/sources/inputError";
import { renderBudgetReportFiles } from "../report/renderBudgetReport";
import type { BillingInput } from "../report/billedSide";

export interface BudgetReportOptions {
  /** The markdown file to write, e.g. docs/budget-report.md. */
  out: string;
  /** Billing export / FOCUS files or folders: the report gains its billed side. */
  billing?: string[];
  /** YYYYMM before the change (with --billing). */
  beforeMonth?: string;
  /** YYYYMM after the change (with --billing). */
  afterMonth?: string;
}

const MONTH = /^(\d{4})(0[1-9]|1[0-2])$/;

/** The billed side's inputs: all three options or none. */
function billingInput(options: BudgetReportOptions): BillingInput | undefined {
  const given = { "--billing": (options.billing ?? []).length > 0, "--before-month": options.beforeMonth !== undefined, "--after-month": options.afterMonth !== undefined };
  const missing = Object.entries(given).filter(([, present]) => !present).map(([name]) => name);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) throw new InputError(missing[0], "", `missing: the billed side needs --billing FILE, --before-month YYYYMM and --after-month YYYYMM together`);
  for (const [name, month] of [["--before-month", options.beforeMonth!], ["--after-month", options.afterMonth!]] as const) {
    if (!MONTH.test(month)) throw new InputError(name, "", `${JSON.stringify(month)} is not an invoice month YYYYMM (e.g. 202105)`);
  }
  if (options.beforeMonth! >= options.afterMonth!) throw new InputError("--after-month", "", `${options.afterMonth} is not after --before-month ${options.beforeMonth}`);
  return { files: options.billing!, beforeMonth: options.beforeMonth!, afterMonth: options.afterMonth! };
}

/** The report's files, and on stdout the line naming them. */
export async function reportCommand(options: BudgetReportOptions): Promise<CommandOutput> {
  if (!options.out || !options.out.endsWith(".md")) throw new InputError("--out", "", `${JSON.stringify(options.out ?? "")} is not a markdown file path (e.g. docs/budget-report.md)`);
  const files = await renderBudgetReportFiles(options.out, billingInput(options));
  return { text: `wrote ${files.map((f) => f.file).join(", ")}\n`, files };
}
