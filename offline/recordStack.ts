/**
 * Runs the program for a stack in-process under Pulumi's mocks and records every resource it
 * registers (type, name, parent, inputs, options) as a ResourceRecord: the resource graph that the
 * tests assert on, the cost engine prices and the policy pack judges, with no CLI or cloud.
 */
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { PROJECT, StackConfig, StackName } from "../config";
import { ResourceRecord } from "../graph/resourceRecord";
import { defineStack, stackConfigFromRuntime } from "../program";
import { readStackConfig } from "./stackConfig";

export interface RecordOptions {
  /** Replace whole config keys of the stack file: `seedPool` (this project's) or `gcp:region`. */
  configOverrides?: Record<string, unknown>;
  /** Config keys among the overrides that are secrets. */
  secretOverrides?: string[];
  /** Read the stack's config from this file instead of Pulumi.<stack>.yaml. */
  stackFile?: string;
  /** Run as a preview: outputs the mocks do not give are unknown. */
  preview?: boolean;
  /** The prod run that answers testnet's StackReference; recorded on demand when a testnet run needs it. */
  prod?: RecordedStack;
}

export interface RecordedStack {
  stack: StackName;
  project: string;
  resources: ResourceRecord[];
  /** Stack outputs in Pulumi's wire format (secrets wrapped). */
  outputs: Record<string, unknown>;
  config: StackConfig;
}

/** The in-process Pulumi runtime is global: runs take turns. */
let queue: Promise<unknown> = Promise.resolve();

export function recordStack(stack: StackName, options: RecordOptions = {}): Promise<RecordedStack> {
  const run = queue.then(() => recordStackNow(stack, options));
  queue = run.catch(() => undefined);
  return run;
}

/** Both stacks, prod first so testnet's StackReference reads prod's outputs from this same run. */
export async function recordAllStacks(overrides: Partial<Record<StackName, RecordOptions>> = {}): Promise<RecordedStack[]> {
  const prod = await recordStack("prod", overrides.prod);
  const testnet = await recordStack("testnet", { ...overrides.testnet, prod });
  return [prod, testnet];
}

async function recordStackNow(stack: StackName, options: RecordOptions): Promise<RecordedStack> {
  const raw = readStackConfig(stack, options.stackFile);
  const values = { ...raw.values };
  const secretKeys = new Set(raw.secretKeys);
  for (const [key, value] of Object.entries(options.configOverrides ?? {})) {
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value === undefined) delete values[full];
    else values[full] = value;
  }
  for (const key of options.secretOverrides ?? []) secretKeys.add(key.includes(":") ? key : `${PROJECT}:${key}`);

  // Testnet's StackReference (validators.proxyStack) is answered with a prod run's outputs.
  let stackOutputs: Record<string, Record<string, unknown>> = {};
  if (stack === "testnet" && needsProdOutputs(values)) {
    const prod = options.prod ?? (await recordStackNow("prod", {}));
    const reference = String((values[`${PROJECT}:validators`] as { proxyStack?: string } | undefined)?.proxyStack);
    stackOutputs = { [reference]: revealOutputs(prod.outputs) };
  }
  const records: ResourceRecord[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      if (args.type === "pulumi:pulumi:StackReference") {
        const name = String(args.inputs.name);
        const outputs = stackOutputs[name];
        if (!outputs) throw new Error(`${stack}: no outputs recorded for the referenced stack ${name}`);
        return { id: name, state: { name, outputs, secretOutputNames: [] } };
      }
      return { id: args.id || `${args.name}-id`, state: { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs) } };
    },
    call(args) {
      return args.inputs;
    },
  };

  await pulumi.runtime.setMocks(mocks, PROJECT, stack, options.preview ?? false);
  const monitor = settings.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    const parent: string = req.getParent() || undefined;
    const urn = monitor.newUrn(parent, req.getType(), req.getName());
    records.push({
      urn,
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      ...(parent ? { parent } : {}),
      inputs: (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
      ...(req.getProtect() ? { protect: true } : {}),
      ...(req.getImportid() ? { importId: req.getImportid() } : {}),
      ...(req.getRetainondelete() ? { retainOnDelete: true } : {}),
      ...(req.getDependenciesList().length ? { dependencies: req.getDependenciesList() } : {}),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
    });
    return register(req, callback);
  };

  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) config[key] = typeof value === "string" ? value : JSON.stringify(value);
  pulumi.runtime.setAllConfig(config, [...secretKeys]);

  const stackConfig = stackConfigFromRuntime();
  let serialized: Record<string, unknown>;
  try {
    const outputs = await defineStack(stackConfig);
    serialized = await pulumi.runtime.serializeProperties("outputs", outputs);
  } finally {
    // Also after a refused run: what it registered must finish before the next run resets the mocks.
    await (settings as any).waitForRPCs();
  }
  return { stack, project: PROJECT, resources: records, outputs: serialized, config: stackConfig };
}

function needsProdOutputs(values: Record<string, unknown>): boolean {
  const chains = values[`${PROJECT}:testnetChains`];
  return Array.isArray(chains) && chains.some((c) => (c as { state?: string }).state === "decommissioned");
}

/** Outputs with secrets unwrapped: what a StackReference hands the referencing program. */
function revealOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(outputs), (_key, value) =>
    value && typeof value === "object" && value["4dabf18193072939515e22adb298388d"] ? value.value : value,
  );
}

/** Outputs a cloud provider would compute, so what reads them (kubeconfig, URLs) sees real-looking values. */
function computedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case "gcp:container/cluster:Cluster":
      return { endpoint: "203.0.113.10", masterAuth: { clusterCaCertificate: Buffer.from(`offline CA of ${name}`).toString("base64") } };
    case "gcp:compute/address:Address":
      return { address: inputs.address ?? "10.0.0.2", selfLink: `projects/${inputs.project}/regions/${inputs.region}/addresses/${inputs.name ?? name}` };
    case "gcp:compute/disk:Disk":
      return { selfLink: `projects/${inputs.project}/zones/${inputs.zone}/disks/${inputs.name ?? name}` };
    default:
      return {};
  }
}
