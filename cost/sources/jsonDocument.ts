/** Reads a JSON input file, turning every read or parse failure into an InputError naming the file. */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "./inputError";

export function readJsonDocument(file: string): unknown {
  const shown = path.basename(file);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(shown, "", code === "ENOENT" ? "cannot read: no such file" : `cannot read (${code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(shown, "", `not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
