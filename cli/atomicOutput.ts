/**
 * Writes the report files all or nothing: each goes to a temporary file beside its target first,
 * and only when every one is written are they renamed into place.
 */
import * as fs from "fs";
import * as path from "path";

export function writeFilesAtomically(files: { file: string; content: string }[]): void {
  const staged: { temporary: string; file: string }[] = [];
  try {
    for (const { file, content } of files) {
      const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
      fs.writeFileSync(temporary, content);
      staged.push({ temporary, file });
    }
    for (const { temporary, file } of staged) fs.renameSync(temporary, file);
  } catch (err) {
    for (const { temporary } of staged) fs.rmSync(temporary, { force: true });
    throw err;
  }
}
