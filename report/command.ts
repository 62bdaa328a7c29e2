/**
 * `infra-cost report --out FILE`: writes the budget report and its charts (FILE's name with
 * -seed-pool.svg and -testnet.svg) all or nothing. The CLI wires this function to its options.
 */
import type { CommandIo } from "../cli/commandIo";
import * as path from "path";
import { writeFilesAtomically } from "../cli/atomicOutput";
import { InputError } from "../cost/sources/inputError";
import { buildBudgetReport } from "./budgetReport";
import { RenderedBudgetReport, renderBudgetReport } from "./renderBudgetReport";

export interface BudgetReportOptions {
  /** The markdown file to write, e.g. docs/budget-report.md. */
  out: string;
}

export type { CommandIo } from "../cli/commandIo";

/** The chart files' names beside the report: docs/budget-report.md -> budget-report-seed-pool.svg, budget-report-testnet.svg. */
export function chartNames(out: string): { seedPool: string; testnet: string } {
  const stem = path.basename(out).replace(/\.[^.]+$/, "");
  return { seedPool: `${stem}-seed-pool.svg`, testnet: `${stem}-testnet.svg` };
}

/** The report's files as they would be written (the stale-report test compares these with the committed ones). */
export async function renderBudgetReportFiles(out: string): Promise<{ file: string; content: string }[]> {
  const rendered: RenderedBudgetReport = renderBudgetReport(await buildBudgetReport(), chartNames(out));
  const dir = path.dirname(out);
  return [{ file: out, content: rendered.markdown }, ...rendered.charts.map((chart) => ({ file: path.join(dir, chart.name), content: chart.content }))];
}

/** Exit 0 written, 2 bad input (the out path, a baseline), 1 anything else. */
export async function runBudgetReport(options: BudgetReportOptions, io: CommandIo): Promise<number> {
  try {
    if (!options.out || !options.out.endsWith(".md")) throw new InputError("--out", "", `${JSON.stringify(options.out ?? "")} is not a markdown file path (e.g. docs/budget-report.md)`);
    const files = await renderBudgetReportFiles(options.out);
    try {
      writeFilesAtomically(files);
    } catch (err) {
      throw new InputError(options.out, "", `cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    io.stdout(`wrote ${files.map((f) => f.file).join(", ")}\n`);
    return 0;
  } catch (err) {
    const message = ((err as Error)?.message ?? String(err)).split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
    const badInput = err instanceof InputError || (err as Error)?.name === "ConfigError";
    io.stderr(`infra-cost report: ${badInput ? "" : "failed: "}${message}\n`);
    return badInput ? 2 : 1;
  }
}
