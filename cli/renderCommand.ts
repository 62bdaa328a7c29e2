/**
 * `npm run render -- --stack prod|testnet --out DIR [--stack-file FILE]`: the stack's render
 * (offline/render.ts) for the entry point (cli/render.ts) to write as a complete directory or none.
 */
import { CommandFailure, EXIT_BAD_INPUT, type CommandOutput } from "./command";
import { STACKS, type StackName } from "../program/stacks";

export interface RenderOptions {
  stack: string;
  /** The directory to write (replaced whole; parents created as needed). */
  out: string;
  /** A config file to use instead of Pulumi.<stack>.yaml. */
  stackFile?: string;
}

export async function renderCommand(options: RenderOptions): Promise<CommandOutput> {
  if (!(STACKS as readonly string[]).includes(options.stack)) {
    throw new CommandFailure(`--stack ${JSON.stringify(options.stack)} is not a stack (allowed: ${STACKS.join(", ")})`, EXIT_BAD_INPUT);
  }
  // Loaded here, as the other commands do: the Pulumi SDK is only needed to run the program.
  const { renderStackFiles }: typeof import("../offline/render") = require("../offline/render");
  const { files, manifests, resources } = await renderStackFiles(options.stack as StackName, options.stackFile);
  return {
    text: `${options.stack}: ${manifests} Kubernetes objects and ${resources} resources written to ${options.out}\n`,
    directory: { out: options.out, files },
  };
}
