/**
 * Regenerates baselines/<stack>.json: `pulumi stack export` (deployment v3) documents of the
 * infrastructure before the optimisation, made by recording the program offline with the
 * pre-optimisation config changes of baselines/pre-optimisation.yaml.
 *   npm run -s build && node dist/scripts/make-baselines.js
 * With the real CLI, replace them with `pulumi stack export --stack <stack>` taken before `pulumi up`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT } from "../config";
import { STACKS, type StackName } from "../program/stacks";
import { ResourceRecord, isSecretValue, SECRET_SIG, SECRET_SIG_KEY } from "../graph/resourceRecord";
import { recordStack } from "../offline/recordStack";
import { readStackConfig } from "../offline/stackConfig";

const PROJECT_DIR = path.resolve(__dirname, fs.existsSync(path.join(__dirname, "..", "package.json")) ? ".." : "../..");
const BASELINE_DIR = path.join(PROJECT_DIR, "baselines");
/** A fixed manifest time keeps regenerated baselines byte-identical when nothing changed. */
const MANIFEST_TIME = "2021-01-15T00:00:00Z";
const PULUMI_ENGINE_VERSION = "v3.0.0";

type Changes = Record<string, unknown>;

/** Applies one stack's changes to its current config values (see pre-optimisation.yaml for the rules). */
export function preOptimisationOverrides(stack: StackName, changes: Changes): Record<string, unknown> {
  const current = readStackConfig(stack).values;
  const overrides: Record<string, unknown> = {};
  for (const [key, change] of Object.entries(changes)) {
    const value = current[`${PROJECT}:${key}`];
    if (change === null) overrides[key] = undefined;
    else if (Array.isArray(value) && typeof change === "object") overrides[key] = value.map((element) => ({ ...(element as object), ...(change as object) }));
    else if (value && typeof value === "object" && typeof change === "object") overrides[key] = { ...(value as object), ...(change as object) };
    else overrides[key] = change;
  }
  return overrides;
}

/** A stack export never holds a secret in clear text; the offline placeholders are not encrypted, so they are left out. */
function withSecretsRedacted(value: unknown): unknown {
  if (isSecretValue(value)) return { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: "redacted-offline-placeholder" };
  if (Array.isArray(value)) return value.map(withSecretsRedacted);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSecretsRedacted(v)]));
  return value;
}

/** The deployment-v3 resource of a recorded one: a Stack root, ids for custom resources, outputs echoing inputs (as the mocks do). */
export function toStackExport(stack: string, resources: ResourceRecord[]): unknown {
  const stackUrn = `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`;
  const exported: Record<string, unknown>[] = [{ urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} }];
  for (const record of resources) {
    const inputs = withSecretsRedacted(record.inputs) as Record<string, unknown>;
    const resource: Record<string, unknown> = { urn: record.urn, custom: record.custom };
    if (record.custom) resource.id = record.importId ? record.importId.split("/").pop() : `${record.name}-id`;
    resource.type = record.type;
    resource.inputs = inputs;
    resource.outputs = record.custom ? inputs : {};
    resource.parent = record.parent ?? stackUrn;
    if (record.protect) resource.protect = true;
    if (record.dependencies) resource.dependencies = record.dependencies;
    if (record.provider) resource.provider = record.provider;
    if (record.importId) resource.importID = record.importId;
    exported.push(resource);
  }
  return {
    version: 3,
    deployment: {
      manifest: { time: MANIFEST_TIME, magic: "", version: PULUMI_ENGINE_VERSION },
      resources: exported,
    },
  };
}

async function main(): Promise<void> {
  const changes = parse(fs.readFileSync(path.join(BASELINE_DIR, "pre-optimisation.yaml"), "utf8")) as Record<StackName, Changes>;
  for (const stack of STACKS) {
    const recorded = await recordStack(stack, { configOverrides: preOptimisationOverrides(stack, changes[stack] ?? {}) });
    const file = path.join(BASELINE_DIR, `${stack}.json`);
    fs.writeFileSync(file, JSON.stringify(toStackExport(stack, recorded.resources), null, 2) + "\n");
    console.log(`${path.relative(process.cwd(), file)}: ${recorded.resources.length} resources`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`make-baselines: ${(err as Error).message}`);
    process.exit(1);
  });
}
