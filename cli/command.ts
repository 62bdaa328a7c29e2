/**
 * The one shape of every command (infra-cost's subcommands and `npm run render`): parsed options in,
 * a `CommandOutput` out. A command never writes a file or prints; `runCommand` alone does, in one
 * order: every output file all or nothing, then stdout, then at most one stderr line. So an --out
 * file or a render is complete or absent, and nothing prints half a report.
 */
import { InputError, PreviewFailedError } from "../cost/sources/inputError";
import { OutputWriteError, writeDirectoryAtomically, writeFilesAtomically } from "./atomicOutput";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
/** `estimate --fail-above[-percent]`: a stack's monthly increase passed the threshold (the output is still written). */
export const EXIT_OVER_THRESHOLD = 3;
/** `estimate --preview` of a preview that failed (error diagnostics, no resource steps). */
export const EXIT_PREVIEW_FAILED = 4;

/** Where the entry point writes: injected so tests capture output and the CLI writes to the process. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** What a command produced, for `runCommand` to write and print. */
export interface CommandOutput {
  /** Printed on stdout once every file is written ("" prints nothing). */
  text: string;
  /** Files written all or nothing before anything is printed: an --out file and what goes beside it. */
  files?: { file: string; content: string }[];
  /** A directory replaced whole by exactly these files (a render). */
  directory?: { out: string; files: { name: string; content: string }[] };
  /**
   * The output is complete but the run did not pass (a threshold, a failed preview): one line on
   * stderr after the output, and this exit code.
   */
  failure?: { message: string; exitCode: number };
}

/** Every command: parsed options in, its output out; bad input is thrown (see `describeFailure`). */
export type Command<Options> = (options: Options) => Promise<CommandOutput>;

/** A failure a command has already worded, with its exit code (e.g. missing credentials: 1). */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CommandFailure";
  }
}

/** Multi-line messages joined, so a failure is always one line. */
export function oneLine(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
}

/** Errors that mean "the input is wrong" rather than "the tool broke". */
function isBadInput(err: unknown): boolean {
  return err instanceof InputError || (err as Error)?.name === "ConfigError" || (err as { constructor?: { name?: string } })?.constructor?.name === "ConfigError";
}

/**
 * The one stderr line of a failed command (without its prefix) and its exit code: 4 a failed
 * preview, 2 bad input (the message names the option, file or key and what is allowed), a
 * `CommandFailure`'s own code, 1 anything else ("failed: ...").
 */
export function describeFailure(err: unknown): { line: string; exitCode: number } {
  const message = oneLine((err as Error)?.message ?? String(err));
  if (err instanceof PreviewFailedError) return { line: message, exitCode: EXIT_PREVIEW_FAILED };
  if (err instanceof CommandFailure) return { line: message, exitCode: err.exitCode };
  if (isBadInput(err)) return { line: message, exitCode: EXIT_BAD_INPUT };
  return { line: `failed: ${message}`, exitCode: EXIT_FAILED };
}

/** The one line for an output that could not be written: the target that failed and the system's code. */
function cannotWrite(target: string, err: unknown): InputError {
  const failed = err instanceof OutputWriteError ? err.file : target;
  return new InputError(failed, "", `cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
}

/** Writes a command's files or directory; on failure nothing of it is left and the error names the target. */
export function writeCommandOutput(output: CommandOutput): void {
  if (output.files && output.files.length > 0) {
    try {
      writeFilesAtomically(output.files);
    } catch (err) {
      throw cannotWrite(output.files[0].file, err);
    }
  }
  if (output.directory) {
    try {
      writeDirectoryAtomically(output.directory.out, output.directory.files);
    } catch (err) {
      throw cannotWrite(output.directory.out, err);
    }
  }
}

/**
 * Runs `command` and does all of its writing: files first, then stdout, then the one stderr line of
 * a failure, prefixed by `name` (the program: "infra-cost", "render"). Returns the exit code.
 */
export async function runCommand<Options>(name: string, command: Command<Options>, options: Options, io: CommandIo): Promise<number> {
  try {
    const output = await command(options);
    writeCommandOutput(output);
    if (output.text) io.stdout(output.text);
    if (output.failure) {
      io.stderr(`${name}: ${oneLine(output.failure.message)}\n`);
      return output.failure.exitCode;
    }
    return EXIT_OK;
  } catch (err) {
    const { line, exitCode } = describeFailure(err);
    io.stderr(`${name}: ${line}\n`);
    return exitCode;
  }
}
