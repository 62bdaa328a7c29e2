/**
 * Nothing half-done: a render or an --out file is complete or absent, whatever fails
 * (a full disk midway through a write included), and `render` creates the directories it needs.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { OutputDirectorySystem, writeDirectoryAtomically, writeFilesAtomically } from "../../cli/atomicOutput";
import { main as render } from "../../cli/render";
import { stackConfigPath } from "../../offline/stackConfig";
import { PROJECT_ROOT } from "../../program/projectRoot";

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "half-done-"));

/** The real file system, except that the `failAt`-th write stops halfway with ENOSPC, as a full disk does. */
function diskFillsAt(failAt: number): OutputDirectorySystem & { writes: number } {
  const io = {
    writes: 0,
    writeFileSync(file: string, content: string) {
      io.writes++;
      if (io.writes === failAt) {
        fs.writeFileSync(file, content.slice(0, Math.floor(content.length / 2)));
        throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: "ENOSPC" });
      }
      fs.writeFileSync(file, content);
    },
    renameSync: fs.renameSync,
    rmSync: fs.rmSync,
    mkdirSync: (dir: string, options: { recursive: true }) => fs.mkdirSync(dir, options),
    mkdtempSync: fs.mkdtempSync,
    copyFileSync: fs.copyFileSync,
  };
  return io;
}

/** Every file under dir, relative. */
function tree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

describe("--out files (writeFilesAtomically)", () => {
  it("a disk that fills during the second file leaves no temp file, no target and no directory it created", () => {
    const dir = scratch();
    const files = [
      { file: path.join(dir, "new", "report.md"), content: "# report\n".repeat(100) },
      { file: path.join(dir, "new", "report.svg"), content: "<svg/>".repeat(100) },
    ];
    const io = diskFillsAt(2);
    expect(() => writeFilesAtomically(files, io)).toThrow("ENOSPC");
    expect(io.writes).toBe(2);
    expect(tree(dir)).toEqual([]);
  });

  it("a failure keeps the previous target as it was", () => {
    const dir = scratch();
    const target = path.join(dir, "report.md");
    fs.writeFileSync(target, "previous");
    expect(() => writeFilesAtomically([{ file: target, content: "next" }], diskFillsAt(1))).toThrow("ENOSPC");
    expect(tree(dir)).toEqual(["report.md"]);
    expect(fs.readFileSync(target, "utf8")).toBe("previous");
  });

  it("writes into directories that do not exist yet", () => {
    const dir = scratch();
    writeFilesAtomically([{ file: path.join(dir, "a", "b", "report.md"), content: "ok" }]);
    expect(tree(dir)).toEqual(["a", path.join("a", "b"), path.join("a", "b", "report.md")]);
  });
});

describe("render (writeDirectoryAtomically)", () => {
  it("a disk that fills midway leaves the previous render as it was and no staging directory", () => {
    const dir = scratch();
    const out = path.join(dir, "prod");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "previous.yaml"), "kind: Previous\n");
    const files = ["a.yaml", "b.yaml", "c.yaml"].map((name) => ({ name, content: `name: ${name}\n`.repeat(50) }));
    expect(() => writeDirectoryAtomically(out, files, diskFillsAt(3))).toThrow("ENOSPC");
    expect(tree(dir)).toEqual(["prod", path.join("prod", "previous.yaml")]);
  });

  it("a disk that fills midway into a directory it created leaves nothing", () => {
    const dir = scratch();
    const files = [{ name: "a.yaml", content: "x".repeat(1000) }];
    expect(() => writeDirectoryAtomically(path.join(dir, "out", "prod"), files, diskFillsAt(1))).toThrow("ENOSPC");
    expect(tree(dir)).toEqual([]);
  });

  it("renders into out/prod when out/ does not exist yet (the README's command on a fresh clone)", async () => {
    const dir = scratch();
    let stdout = "";
    const code = await render(["--stack", "prod", "--out", path.join(dir, "out", "prod")], { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(code).toBe(0);
    const manifests = Number(/^prod: (\d+) Kubernetes objects/.exec(stdout)?.[1]);
    expect(fs.readdirSync(path.join(dir, "out", "prod"))).toHaveLength(manifests + 1);
  });

  it("exits 2 and writes nothing (no out/ either) when testnet decommissions a chain the prod proxy does not route", () => {
    const dir = scratch();
    const document = parse(fs.readFileSync(stackConfigPath("testnet"), "utf8"));
    const chains = document.config["relay-budget:testnetChains"] as { name: string; state: string; relayChainId: string }[];
    const index = chains.findIndex((c) => c.state === "decommissioned");
    chains[index].relayChainId = "0fff";
    const stackFile = path.join(dir, "Pulumi.testnet.yaml");
    fs.writeFileSync(stackFile, stringify(document));
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "cli/render.ts", "--stack", "testnet", "--stack-file", stackFile, "--out", path.join(dir, "out", "testnet")], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(new RegExp(`^render: testnet: testnetChains ${chains[index].name} is decommissioned but .* routes no relay chain ID 0fff \\(routes: 0020, 0022, 0023\\)`));
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(tree(dir)).toEqual(["Pulumi.testnet.yaml"]);
  }, 60000);
});
