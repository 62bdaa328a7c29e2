/**
 * `infra-cost report --out FILE`: writes the budget report and its charts (FILE's name with
 * -seed-pool.svg and -testnet.svg) all or nothing. The CLI wires this function to its options.
 */
import { CommandIo, reportCommandFailure } from "./commandIo";
import { writeFilesAtomically } from "./atomicOutput";
import { InputError } from "../cost/sources/inputError";
import { renderBudgetReportFiles } from "../report/renderBudgetReport";

export interface BudgetReportOptions {
  /** The markdown file to write, e.g. docs/budget-report.md. */
  out: string;
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
    return reportCommandFailure("infra-cost report", err, io);
  }
}
