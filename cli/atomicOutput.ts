/**
 * Writes the report files all or nothing: each goes to a temporary file beside its target first,
 * and only when every one is written are they renamed into place. On any failure (a full disk
 * midway through a write included) every temporary file, and every directory this call created
 * for the targets, is removed again: nothing half-written is left behind. A rename that fails
 * after others succeeded (a target that is a directory) puts the targets already replaced back as
 * they were, so a report never stands beside the previous run's charts, or without its own.
 */
import * as fs from "fs";
import * as path from "path";

/** The file system calls this needs; tests pass one that fails midway (e.g. ENOSPC). */
export interface OutputFileSystem {
  /** `flush`: the content is on disk before the rename publishes it (a crash leaves the old file or the new, never an empty one). */
  writeFileSync(file: string, content: string, options: { flush: boolean }): void;
  renameSync(from: string, to: string): void;
  rmSync(file: string, options: { force: boolean; recursive?: boolean }): void;
  mkdirSync(dir: string, options: { recursive: true }): string | undefined;
  /** Keeps a replaced target until every new file is in place; it fails on a directory, which is never moved. */
  copyFileSync(from: string, to: string): void;
}

/** A failed write, naming the target it was for (the cause's `code`, e.g. ENOSPC, kept). */
export class OutputWriteError extends Error {
  readonly code?: string;
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`${file}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "OutputWriteError";
    this.code = (cause as NodeJS.ErrnoException)?.code;
  }
}

/** A copy of the target's previous content beside it, or undefined when there was none. */
function keepPrevious(file: string, io: OutputFileSystem): string | undefined {
  const previous = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.previous`);
  io.rmSync(previous, { force: true });
  try {
    io.copyFileSync(file, previous);
    return previous;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export function writeFilesAtomically(files: { file: string; content: string }[], io: OutputFileSystem = fs): void {
  const temporaries: string[] = [];
  const createdDirs: string[] = [];
  const staged: { temporary: string; file: string }[] = [];
  const placed: { file: string; previous?: string }[] = [];
  let current = files[0]?.file ?? "";
  try {
    for (const { file, content } of files) {
      current = file;
      const created = io.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      if (created !== undefined) createdDirs.push(created);
      const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
      // Registered before the write: a write that fails midway leaves a partial file to remove.
      temporaries.push(temporary);
      io.writeFileSync(temporary, content, { flush: true });
      staged.push({ temporary, file });
    }
    // Every previous target is kept before any is replaced: a target that cannot be kept (a
    // directory) fails here, with nothing replaced yet.
    const previous: (string | undefined)[] = [];
    for (const { file } of staged) {
      current = file;
      const kept = keepPrevious(file, io);
      previous.push(kept);
      if (kept) temporaries.push(kept);
    }
    for (const [index, { temporary, file }] of staged.entries()) {
      current = file;
      try {
        io.renameSync(temporary, file);
        placed.push({ file, previous: previous[index] });
      } catch (err) {
        for (const done of placed.reverse()) {
          if (done.previous) io.renameSync(done.previous, done.file);
          else io.rmSync(done.file, { force: true });
        }
        throw err;
      }
    }
    for (const kept of previous) if (kept) io.rmSync(kept, { force: true });
  } catch (err) {
    for (const temporary of temporaries) io.rmSync(temporary, { force: true });
    for (const dir of createdDirs.reverse()) io.rmSync(dir, { force: true, recursive: true });
    throw new OutputWriteError(current, err);
  }
}

/** The calls `writeDirectoryAtomically` needs beyond `OutputFileSystem`. */
export interface OutputDirectorySystem extends OutputFileSystem {
  mkdtempSync(prefix: string): string;
}

/**
 * Replaces directory `out` with exactly `files` (names inside it): they are written into a staging
 * directory beside `out`, which is renamed into place only when all are written; the previous `out`
 * is moved aside first and removed only once the new one is in place. On failure the staging
 * directory, and any parent directory this call created, are removed; `out` is as before.
 */
export function writeDirectoryAtomically(out: string, files: { name: string; content: string }[], io: OutputDirectorySystem = fs): void {
  const parent = path.dirname(path.resolve(out));
  let createdParent: string | undefined;
  let staging: string | undefined;
  let previous: string | undefined;
  try {
    createdParent = io.mkdirSync(parent, { recursive: true });
    staging = io.mkdtempSync(path.join(parent, `.${path.basename(out)}-`));
    for (const { name, content } of files) io.writeFileSync(path.join(staging, name), content, { flush: true });
    previous = `${staging}.previous`;
    try {
      io.renameSync(out, previous);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      previous = undefined;
    }
    try {
      io.renameSync(staging, out);
    } catch (err) {
      if (previous !== undefined) io.renameSync(previous, out);
      previous = undefined;
      throw err;
    }
    // In place: from here on nothing of the new render is removed.
    staging = undefined;
    createdParent = undefined;
    if (previous !== undefined) io.rmSync(previous, { recursive: true, force: true });
  } catch (err) {
    if (staging !== undefined) io.rmSync(staging, { recursive: true, force: true });
    if (createdParent !== undefined) io.rmSync(createdParent, { recursive: true, force: true });
    throw new OutputWriteError(out, err);
  }
}
