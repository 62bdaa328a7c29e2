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
