/**
 * `infra-cost usage --from-billing FILE --month YYYYMM --stack S [--out FILE]`: a usage file from a
 * billing export (billing/usageFromBilling.ts), so the next review prices last month's real traffic.
 * The file is checked against the usage file schema before it is written.
 */
import * as path from "path";
import { parse } from "yaml";
import { InputError } from "../cost/sources/inputError";
import { aggregateBillingFiles } from "../billing/duckdbEngine";
import { usageFromBilling } from "../billing/usageFromBilling";
import { readStackConfig } from "../offline/stackConfig";
import { PROJECT } from "../config";
import { STACKS, type StackName } from "../program/stacks";
import { parseUsageFile } from "../usage/readUsageFile";
import type { CommandOutput } from "./command";

export interface UsageOptions {
  fromBilling?: string[];
  month?: string;
  stack?: StackName;
  out?: string;
}

const MONTH = /^(\d{4})(0[1-9]|1[0-2])$/;

/** The stack's project and cluster name, from its stack file. */
function stackOfBill(stack: StackName): { stack: string; project: string; cluster: string } {
  const values = readStackConfig(stack).values;
  const project = values["gcp:project"];
  const cluster = (values[`${PROJECT}:cluster`] as { name?: unknown } | undefined)?.name;
  if (typeof project !== "string" || typeof cluster !== "string") throw new InputError(`Pulumi.${stack}.yaml`, "gcp:project", "the stack file names no project and cluster");
  return { stack, project, cluster };
}

export async function usageCommand(options: UsageOptions): Promise<CommandOutput> {
  const files = options.fromBilling ?? [];
  if (files.length === 0) throw new InputError("--from-billing", "", "give the billing export file(s) to read usage from (NDJSON, .gz, Parquet, or FOCUS)");
  if (options.month === undefined || !MONTH.test(options.month)) throw new InputError("--month", "", `${JSON.stringify(options.month ?? "")} is not an invoice month YYYYMM (e.g. 202106)`);
  if (options.stack === undefined || !STACKS.includes(options.stack)) throw new InputError("--stack", "", `${JSON.stringify(options.stack ?? "")} is not a stack (allowed: ${STACKS.join(", ")})`);
  const stack = stackOfBill(options.stack);
  const bill = await aggregateBillingFiles(files);
  const shown = files.map((file) => path.basename(file)).join(", ");
  const result = usageFromBilling(bill.lines, options.month, stack, shown);
  // What is written must read back as a usage file.
  parseUsageFile(parse(result.text), options.out ?? "usage file");
  return options.out ? { text: "", files: [{ file: options.out, content: result.text }] } : { text: result.text };
}
