/**
 * Command code in one folder, one style: every command is options in, a CommandOutput
 * out, and only `runCommand` (cli/command.ts) writes: an --out file is complete or absent, a write
 * failure is one line naming the target with exit 2, and nothing is printed before every file is in
 * place. The per-command cases go through the entry points (`infra-cost`, `npm run render`).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OutputDirectorySystem, OutputWriteError, writeDirectoryAtomically, writeFilesAtomically } from "../../cli/atomicOutput";
import { CommandFailure, CommandOutput, runCommand } from "../../cli/command";
import { main as infraCost } from "../../cli/infra-cost";
import { main as render } from "../../cli/render";
import { PROJECT_ROOT } from "../../program/projectRoot";

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "cli-style-"));
const tree = (dir: string) => fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
const BASELINE = path.join(PROJECT_ROOT, "baselines", "prod.json");

async function run(entry: typeof infraCost, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await entry(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** The real file system, except that the first rename onto `failOn` fails (as a rename onto a busy target can). */
function renameFailsOnto(failOn: string): OutputDirectorySystem {
  let failed = false;
  return {
    writeFileSync: fs.writeFileSync,
    renameSync: (from: string, to: string) => {
      if (to === failOn && !failed && (failed = true)) throw Object.assign(new Error(`EBUSY: resource busy or locked, rename '${from}' -> '${to}'`), { code: "EBUSY" });
      fs.renameSync(from, to);
    },
    rmSync: fs.rmSync,
    mkdirSync: (dir: string, options: { recursive: true }) => fs.mkdirSync(dir, options),
    mkdtempSync: fs.mkdtempSync,
    copyFileSync: fs.copyFileSync,
  };
}

describe("writeFilesAtomically: all the files or none, also when a rename fails", () => {
  it("a second target that is a directory leaves the first target as it was, and names the second", () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, "report.md"), "previous report");
    fs.mkdirSync(path.join(dir, "report.svg"));
    const failure = (() => {
      try {
        writeFilesAtomically([
          { file: path.join(dir, "report.md"), content: "next report" },
          { file: path.join(dir, "report.svg"), content: "<svg/>" },
        ]);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(OutputWriteError);
    expect((failure as OutputWriteError).file).toBe(path.join(dir, "report.svg"));
    expect(fs.readFileSync(path.join(dir, "report.md"), "utf8")).toBe("previous report");
    expect(tree(dir)).toEqual(["report.md", "report.svg"]);
  });

  it("a rename that fails after the first is in place puts the first back (or removes it when it is new)", () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, "a.md"), "previous a");
    const files = ["a.md", "b.svg", "c.svg"].map((name) => ({ file: path.join(dir, name), content: `next ${name}` }));
    expect(() => writeFilesAtomically(files, renameFailsOnto(path.join(dir, "c.svg")))).toThrow("EBUSY");
    expect(tree(dir)).toEqual(["a.md"]);
    expect(fs.readFileSync(path.join(dir, "a.md"), "utf8")).toBe("previous a");
  });
});

describe("writeDirectoryAtomically: the previous render stays until the new one is in place", () => {
  it("a failing final rename puts the previous directory back whole", () => {
    const dir = scratch();
    const out = path.join(dir, "prod");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "previous.yaml"), "kind: Previous\n");
    expect(() => writeDirectoryAtomically(out, [{ name: "next.yaml", content: "kind: Next\n" }], renameFailsOnto(out))).toThrow(OutputWriteError);
    expect(tree(dir)).toEqual(["prod", path.join("prod", "previous.yaml")]);
  });

  it("replaces the previous directory with exactly the new files", () => {
    const dir = scratch();
    const out = path.join(dir, "prod");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "previous.yaml"), "kind: Previous\n");
    writeDirectoryAtomically(out, [{ name: "next.yaml", content: "kind: Next\n" }]);
    expect(tree(dir)).toEqual(["prod", path.join("prod", "next.yaml")]);
  });
});

describe("runCommand: the one place that writes, prints and maps failures", () => {
  /** Runs `command` and records every write and print in order. */
  async function runLogged(command: () => Promise<CommandOutput>): Promise<{ code: number; log: string[] }> {
    const log: string[] = [];
    const code = await runCommand("tool", command, {}, { stdout: (t) => log.push(`stdout ${t}`), stderr: (t) => log.push(`stderr ${t}`) });
    return { code, log };
  }

  it("writes the files, then prints, then the one line of a complete output that fails the run", async () => {
    const dir = scratch();
    const out = path.join(dir, "out.md");
    const { code, log } = await runLogged(async () => ({ text: "done\n", files: [{ file: out, content: "x" }], failure: { message: "over\nthe threshold", exitCode: 3 } }));
    expect(code).toBe(3);
    expect(log).toEqual(["stdout done\n", "stderr tool: over the threshold\n"]);
    expect(fs.readFileSync(out, "utf8")).toBe("x");
  });

  it.each([
    ["a bug: failed, exit 1", new Error("cannot read\n  property x"), "tool: failed: cannot read property x\n", 1],
    ["bad config: exit 2", Object.assign(new Error("prod: seedPool.nodeCount 0 is below 1"), { name: "ConfigError" }), "tool: prod: seedPool.nodeCount 0 is below 1\n", 2],
    ["a worded failure keeps its code", new CommandFailure("no credentials: set GOOGLE_APPLICATION_CREDENTIALS", 1), "tool: no credentials: set GOOGLE_APPLICATION_CREDENTIALS\n", 1],
  ])("%s", async (_label, error, line, exitCode) => {
    const { code, log } = await runLogged(async () => {
      throw error;
    });
    expect({ code, log }).toEqual({ code: exitCode, log: [`stderr ${line}`] });
  });
});

describe("every command's --out is complete or absent", () => {
  it("estimate: bad input writes nothing; an --out it cannot write is one line naming it, exit 2, nothing on stdout", async () => {
    const dir = scratch();
    const bad = await run(infraCost, ["estimate", "--state", path.join(dir, "missing.json"), "--out", path.join(dir, "cost.json")]);
    expect(bad.code).toBe(2);
    expect(tree(dir)).toEqual([]);
    fs.mkdirSync(path.join(dir, "cost.json"));
    const unwritable = await run(infraCost, ["estimate", "--state", BASELINE, "--format", "json", "--out", path.join(dir, "cost.json")]);
    expect(unwritable).toEqual({ code: 2, stdout: "", stderr: `infra-cost: ${path.join(dir, "cost.json")}: cannot write (EISDIR)\n` });
    expect(tree(dir)).toEqual(["cost.json"]);
  });

  it("estimate: --out holds exactly what stdout would have", async () => {
    const dir = scratch();
    const out = path.join(dir, "cost.md");
    const printed = await run(infraCost, ["estimate", "--state", BASELINE, "--format", "markdown"]);
    const written = await run(infraCost, ["estimate", "--state", BASELINE, "--format", "markdown", "--out", out]);
    expect(written).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(fs.readFileSync(out, "utf8")).toBe(printed.stdout);
  });

  it("opportunities --out (new): the document stdout would print, written whole; bad input writes nothing", async () => {
    const dir = scratch();
    const out = path.join(dir, "opportunities.json");
    const bad = await run(infraCost, ["opportunities", "--stack", "testnet", "--headroom", "9", "--out", out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("infra-cost: --headroom: 9 is not a headroom fraction (0 to 4, e.g. 0.2 for 20 %)\n");
    expect(tree(dir)).toEqual([]);
    const printed = await run(infraCost, ["opportunities", "--stack", "testnet", "--format", "json"]);
    const written = await run(infraCost, ["opportunities", "--stack", "testnet", "--format", "json", "--out", out]);
    expect(written).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(fs.readFileSync(out, "utf8")).toBe(printed.stdout);
    expect(JSON.parse(printed.stdout).opportunities.length).toBeGreaterThan(0);
  }, 120000);

  it("report: a chart that cannot be written leaves the previous report as it was, names the chart, prints nothing", async () => {
    const dir = scratch();
    const out = path.join(dir, "budget.md");
    fs.writeFileSync(out, "previous report\n");
    fs.mkdirSync(path.join(dir, "budget-seed-pool.svg"));
    const result = await run(infraCost, ["report", "--out", out]);
    expect(result).toEqual({ code: 2, stdout: "", stderr: `infra-cost: ${path.join(dir, "budget-seed-pool.svg")}: cannot write (EISDIR)\n` });
    expect(fs.readFileSync(out, "utf8")).toBe("previous report\n");
    expect(tree(dir)).toEqual(["budget-seed-pool.svg", "budget.md"]);
  }, 120000);

  it("render: an --out it cannot create is one line naming it, exit 2, nothing written", async () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, "a-file"), "");
    const out = path.join(dir, "a-file", "prod");
    const result = await run(render, ["--stack", "prod", "--out", out]);
    expect(result).toEqual({ code: 2, stdout: "", stderr: `render: ${out}: cannot write (EEXIST)\n` });
    expect(tree(dir)).toEqual(["a-file"]);
  }, 120000);
});

describe("one style", () => {
  const cli = path.join(PROJECT_ROOT, "cli");
  const commandModules = fs.readdirSync(cli).filter((f) => f.endsWith("Command.ts"));

  it("each command module exports one `<name>Command(options)` and never writes or prints itself", () => {
    expect(commandModules.sort()).toEqual(["estimateCommand.ts", "opportunitiesCommand.ts", "pricesRefreshCommand.ts", "reconcileCommand.ts", "renderCommand.ts", "reportCommand.ts", "reviewCommand.ts", "usageCommand.ts"]);
    for (const file of commandModules) {
      const name = file.replace(/\.ts$/, "");
      const command = require(path.join(cli, file))[name];
      expect([file, typeof command, command.length]).toEqual([file, "function", 1]);
      const source = fs.readFileSync(path.join(cli, file), "utf8");
      expect([file, source.match(/atomicOutput|writeFileSync|renameSync|writeFileAtomic|process\.std(out|err)|console\.|CommandIo/g)]).toEqual([file, null]);
    }
  });

  it("the entry points only parse and hand over: runCommand alone writes", () => {
    for (const entry of ["infra-cost.ts", "render.ts"]) {
      const source = fs.readFileSync(path.join(cli, entry), "utf8");
      expect([entry, source.match(/atomicOutput|from "fs"|writeFileSync/g)]).toEqual([entry, null]);
      expect(source).toMatch(/runCommand\(/);
    }
    const writers = fs.readdirSync(path.join(PROJECT_ROOT, "cli")).filter((f) => f.endsWith(".ts") && /from "\.\/atomicOutput"/.test(fs.readFileSync(path.join(cli, f), "utf8")));
    expect(writers).toEqual(["command.ts"]);
  });
});

describe("the installed command", () => {
  // `npx infra-cost` runs package.json's bin directly. npx links it, and makes it executable, once
  // per project path: a clone made again at the same path keeps that old link, so the build itself
  // must leave the file executable (npm ci builds it through `prepare`).
  test("package.json's bin is the built CLI, executable, with a node shebang", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    const bin = path.join(PROJECT_ROOT, manifest.bin["infra-cost"]);
    expect(fs.statSync(bin).mode & 0o111).toBe(0o111);
    expect(fs.readFileSync(bin, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });
});
