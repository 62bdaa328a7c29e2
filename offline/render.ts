/**
 * A stack's render: the program's Kubernetes objects as one YAML file each, plus resources.json
 * (every resource: type, name, parent, inputs), secrets redacted. What `renderYamlToDirectory`
 * gives, without the Pulumi CLI, a cluster or credentials. `npm run render` (cli/render.ts) writes it.
 */
import { stringify } from "yaml";
import type { StackName } from "../program/stacks";
import { redactSecrets, ResourceRecord } from "../graph/resourceRecord";
import { recordStack } from "./recordStack";

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

/** The stack's render as files (names inside the render directory), and how many of each kind. */
export async function renderStackFiles(stack: StackName, stackFile?: string): Promise<{ files: { name: string; content: string }[]; manifests: number; resources: number }> {
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
  return { files, manifests, resources: resources.length };
}
