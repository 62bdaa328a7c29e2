/** The project's directory (where Pulumi.yaml is), whether running from source or from dist/. */
import * as fs from "fs";
import * as path from "path";

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${start}: run from inside the project`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
