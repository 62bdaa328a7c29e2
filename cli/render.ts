/**
 * `npm run render -- --stack prod|testnet --out DIR [--stack-file FILE]`: writes the stack's
 * Kubernetes objects and resource graph offline (cli/renderCommand.ts), a complete DIR or none.
 * Exit 0 written, 2 bad input (one line on stderr naming the option or config key and what is
 * allowed), 1 anything else.
 */
import { Command, CommanderError } from "commander";
import { EXIT_BAD_INPUT, EXIT_OK, oneLine, runCommand, type CommandIo } from "./command";
import { STACKS } from "../program/stacks";
import type { RenderOptions } from "./renderCommand";

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const program = new Command("render")
    .description("render a stack's Kubernetes objects and resource graph offline")
    .requiredOption("--stack <stack>", `stack to render (${STACKS.join(" or ")})`)
    .requiredOption("--out <dir>", "directory to write (replaced)")
    .option("--stack-file <file>", "config file to use instead of Pulumi.<stack>.yaml")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined });
  try {
    program.parse(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError && (err.code === "commander.helpDisplayed" || err.code === "commander.version")) return EXIT_OK;
    io.stderr(`render: ${oneLine((err as Error).message.replace(/^error: /, ""))}\n`);
    return EXIT_BAD_INPUT;
  }
  const { renderCommand }: typeof import("./renderCommand") = require("./renderCommand");
  return runCommand("render", renderCommand, program.opts<RenderOptions>(), io);
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => {
    process.exitCode = code;
  });
}
