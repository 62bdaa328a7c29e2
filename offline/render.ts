/**
 * `npm run render -- --stack prod|testnet --out DIR`: the program's Kubernetes objects as one YAML
 * file each, plus resources.json (every resource: type, name, parent, inputs), secrets redacted.
 * What `renderYamlToDirectory` gives, without the Pulumi CLI, a cluster or credentials.
 */
import { Command, CommanderError } from "commander";
import { stringify } from "yaml";
import { STACKS, type StackName } from "../stacks";
import { redactSecrets, ResourceRecord } from "../graph/resourceRecord";
import { recordStack } from "./recordStack";
import { OutputDirectorySystem, writeDirectoryAtomically } from "../cli/atomicOutput";

/** The Kubernetes object a resource declares, or undefined for cloud resources and components. */
export function kubernetesObject(resource: ResourceRecord): Record<string, unknown> | undefined {
  if (!resource.custom || !resource.type.startsWith("kubernetes:")) return undefined;
  const { apiVersion, kind } = resource.inputs as { apiVersion?: unknown; kind?: unknown };
  return typeof apiVersion === "string" && typeof kind === "string" ? redactSecrets(resource.inputs) : undefined;
}

/** File name of an object: <kind>-<namespace>-<name>.yaml, lower-case. */
export function manifestFileName(object: Record<string, any>): string {
  const { namespace, name } = object.metadata ?? {};
  return `${[object.kind, namespace, name].filter(Boolean).join("-").toLowerCase()}.yaml`;
}

/** Writes the stack's render into `out` atomically: a complete directory or none (parents created as needed). */
export async function renderStack(stack: StackName, out: string, stackFile?: string, io?: OutputDirectorySystem): Promise<{ manifests: number; resources: number }> {
  const recorded = await recordStack(stack, { stackFile });
  const files: { name: string; content: string }[] = [];
  for (const resource of recorded.resources) {
    const object = kubernetesObject(resource);
    if (!object) continue;
    const name = manifestFileName(object);
    // Two objects of one kind, namespace and name: one would silently replace the other.
    if (files.some((f) => f.name === name)) throw new Error(`${stack}: two Kubernetes objects would both be written as ${name}`);
    files.push({ name, content: stringify(object) });
  }
  const resources = recorded.resources.map((r) => redactSecrets({ type: r.type, name: r.name, urn: r.urn, parent: r.parent ?? null, inputs: r.inputs, protect: r.protect ?? false, importId: r.importId ?? null }));
  const manifests = files.length;
  files.push({ name: "resources.json", content: JSON.stringify({ stack, project: recorded.project, outputs: redactSecrets(recorded.outputs), resources }, null, 2) + "\n" });
  writeDirectoryAtomically(out, files, io);
  return { manifests, resources: resources.length };
}

async function main(argv: string[]): Promise<number> {
  const program = new Command("render")
    .description("render a stack's Kubernetes objects and resource graph offline")
    .requiredOption("--stack <stack>", `stack to render (${STACKS.join(" or ")})`)
    .requiredOption("--out <dir>", "directory to write (replaced)")
    .option("--stack-file <file>", "config file to use instead of Pulumi.<stack>.yaml")
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  try {
    program.parse(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError && (err.code === "commander.helpDisplayed" || err.code === "commander.version")) return 0;
    console.error(`render: ${(err as Error).message.replace(/^error: /, "")}`);
    return 2;
  }
  const { stack, out, stackFile } = program.opts<{ stack: string; out: string; stackFile?: string }>();
  if (!(STACKS as readonly string[]).includes(stack)) {
    console.error(`render: --stack ${JSON.stringify(stack)} is not a stack (allowed: ${STACKS.join(", ")})`);
    return 2;
  }
  try {
    const { manifests, resources } = await renderStack(stack as StackName, out, stackFile);
    console.log(`${stack}: ${manifests} Kubernetes objects and ${resources} resources written to ${out}`);
    return 0;
  } catch (err) {
    console.error(`render: ${(err as Error).message}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
