/** Runs the infra-cost CLI in-process and collects what it writes, as the cost tests read it. */
import { main } from "../../cli/infra-cost";

export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
