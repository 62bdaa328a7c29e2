/**
 * Writes the report files all or nothing: each goes to a temporary file beside its target first,
 * and only when every one is written are they renamed into place. On any failure (a full disk
 * midway through a write included) every temporary file, and every directory this call created
 * for the targets, is removed again: nothing half-written is left behind.
 */
import * as fs from "fs";
import * as path from "path";

/** The file system calls this needs; tests pass one that fails midway (e.g. ENOSPC). */
export interface OutputFileSystem {
  writeFileSync(file: string, content: string): void;
  renameSync(from: string, to: string): void;
  rmSync(file: string, options: { force: boolean; recursive?: boolean }): void;
  mkdirSync(dir: string, options: { recursive: true }): string | undefined;
}

export function writeFilesAtomically(files: { file: string; content: string }[], io: OutputFileSystem = fs): void {
  const temporaries: string[] = [];
  const createdDirs: string[] = [];
  const staged: { temporary: string; file: string }[] = [];
  try {
    for (const { file, content } of files) {
      const created = io.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      if (created !== undefined) createdDirs.push(created);
      const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
      // Registered before the write: a write that fails midway leaves a partial file to remove.
      temporaries.push(temporary);
      io.writeFileSync(temporary, content);
      staged.push({ temporary, file });
    }
    for (const { temporary, file } of staged) io.renameSync(temporary, file);
  } catch (err) {
    for (const temporary of temporaries) io.rmSync(temporary, { force: true });
    for (const dir of createdDirs.reverse()) io.rmSync(dir, { force: true, recursive: true });
    throw err;
  }
}

/** The calls `writeDirectoryAtomically` needs beyond `OutputFileSystem`. */
export interface OutputDirectorySystem extends OutputFileSystem {
  mkdtempSync(prefix: string): string;
}

/**
 * Replaces directory `out` with exactly `files` (names inside it): they are written into a staging
 * directory beside `out`, which is renamed into place only when all are written. On failure the
 * staging directory, and any parent directory this call created, are removed; `out` is as before.
 */
export function writeDirectoryAtomically(out: string, files: { name: string; content: string }[], io: OutputDirectorySystem = fs): void {
  const parent = path.dirname(path.resolve(out));
  const createdParent = io.mkdirSync(parent, { recursive: true });
  let staging: string | undefined;
  try {
    staging = io.mkdtempSync(path.join(parent, `.${path.basename(out)}-`));
    for (const { name, content } of files) io.writeFileSync(path.join(staging, name), content);
    io.rmSync(out, { recursive: true, force: true });
    io.renameSync(staging, out);
  } catch (err) {
    if (staging !== undefined) io.rmSync(staging, { recursive: true, force: true });
    if (createdParent !== undefined) io.rmSync(createdParent, { recursive: true, force: true });
    throw err;
  }
}
