import { InputError } from "../cost/sources/inputError";

/** Where a command writes: injected so tests capture output and the CLI writes to the process. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * The one stderr line of a failed command and its exit code: 2 for bad input (the message names
 * the option, file or key and what is allowed), 1 for anything else ("failed: ..."). Multi-line
 * messages are joined, so a failure is always one line.
 */
export function reportCommandFailure(command: string, err: unknown, io: CommandIo): number {
  const message = ((err as Error)?.message ?? String(err)).split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
  const badInput = err instanceof InputError || (err as Error)?.name === "ConfigError" || (err as { constructor?: { name?: string } })?.constructor?.name === "ConfigError";
  io.stderr(`${command}: ${badInput ? "" : "failed: "}${message}\n`);
  return badInput ? 2 : 1;
}
