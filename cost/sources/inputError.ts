/**
 * A bad input document: the CLI prints its message as the one line on stderr and exits 2. The
 * message names the file, the field and what is allowed.
 */
export class InputError extends Error {
  constructor(readonly file: string, readonly field: string, readonly problem: string) {
    super(`${file}: ${field ? `${field}: ` : ""}${problem}`);
    this.name = "InputError";
  }
}

/**
 * A preview digest whose preview failed (error diagnostics and no resource step): there is nothing
 * to price, and "$0.00" would read as "no cost change". The CLI says so and exits non-zero.
 */
export class PreviewFailedError extends Error {
  constructor(readonly file: string, readonly errors: string[]) {
    const first = errors[0].split("\n").map((line) => line.trim()).filter(Boolean).join(" ");
    super(`${file}: the preview failed (${errors.length} error diagnostic${errors.length === 1 ? "" : "s"}, no resource steps), nothing to estimate: ${first.length > 300 ? `${first.slice(0, 300)}...` : first}`);
    this.name = "PreviewFailedError";
  }
}
