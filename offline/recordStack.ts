/**
 * Runs the program for a stack in-process under Pulumi's mocks and records every resource it
 * registers (type, name, parent, inputs, options) as a ResourceRecord: the resource graph that the
 * tests assert on, the cost engine prices and the policy pack judges, with no CLI or cloud.
 */
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { PROJECT, StackConfig } from "../config";
import type { StackName } from "../program/stacks";
import { ResourceRecord } from "../graph/resourceRecord";
import { RESOURCE_TYPES } from "../graph/resourceTypes";
import { DISK_MIGRATION_STEPS, type DiskMigrationStep } from "../graph/diskMigration";
import { defineStack, stackConfigFromRuntime } from "../program/program";
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
  /**
   * This stack's outputs as its last `pulumi up` left them, answering its self StackReference (a
   * disk migration reads which steps were applied). Default: the outputs of a run of the same
   * config with each migration one step earlier, as the pull request before it deployed; nothing
   * before copy.
   */
  deployed?: Record<string, unknown>;
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
  if (migrationsDeclared(values)) {
    const deployed = options.deployed ?? (await previousStepOutputs(stack, options, values));
    stackOutputs[selfStackName(stack)] = deployed;
  }
  const records: ResourceRecord[] = [];
  // The registration in flight: the private hook (below) opens it, the public newResource hook
  // fills it. MockMonitor.registerResource calls newResource synchronously, before its first await.
  let registering: ResourceRecord | undefined;
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      // Set only while a registration is in flight: a read (StackReference) is not part of the graph.
      const record = registering;
      registering = undefined;
      if (args.type === "pulumi:pulumi:StackReference") {
        const name = String(args.inputs.name);
        const outputs = stackOutputs[name];
        if (!outputs) throw new Error(`${stack}: no outputs recorded for the referenced stack ${name}`);
        return { id: name, state: { name, outputs, secretOutputNames: [] } };
      }
      // The hook's inputs are deserialized (secrets stay wrapped, as on the wire). A preview unknown
      // would be dropped here, but under these mocks none arises: every output is answered.
      // What a provider would answer: the inputs echoed, plus what the cloud computes.
      const state = { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs) };
      if (record) Object.assign(record, publicFields(args), args.custom ? { outputs: state } : {});
      return { id: args.id || `${args.name}-id`, state };
    },
    call(args) {
      return args.inputs;
    },
  };

  await pulumi.runtime.setMocks(mocks, PROJECT, stack, options.preview ?? false, SELF_MANAGED_ORGANIZATION);
  // What the public hooks do not carry (URN, parent, protect, retainOnDelete, dependencies,
  // aliases, a component's registered outputs) comes from the registration request itself, through
  // the mock monitor's private methods: pinned by tests/program/recorder.test.ts.
  const monitor = privateMockMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: RegisterRequest, callback: unknown) => {
    const parent = req.getParent() || undefined;
    const urn = monitor.newUrn(parent, req.getType(), req.getName());
    // A child is also known by its URN under each old URN of its parent, as the engine derives it.
    const parentAliases = parent ? (records.find((r) => r.urn === parent)?.aliases ?? []) : [];
    const aliases = [...aliasUrns(monitor, req), ...parentAliases.map((old) => monitor.newUrn(old, req.getType(), req.getName()))];
    const record: ResourceRecord = {
      urn,
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      ...(parent ? { parent } : {}),
      inputs: {},
      ...(req.getProtect() ? { protect: true } : {}),
      ...(req.getRetainondelete() ? { retainOnDelete: true } : {}),
      ...(req.getDependenciesList().length ? { dependencies: req.getDependenciesList() } : {}),
      ...propertyDependenciesOf(req),
      ...(req.getIgnorechangesList().length ? { ignoreChanges: req.getIgnorechangesList() } : {}),
      ...(aliases.length ? { aliases } : {}),
    };
    records.push(record);
    registering = record;
    try {
      return register(req, callback);
    } finally {
      if (registering === record) {
        registering = undefined;
        throw new SdkPrivateSurfaceChanged("MockMonitor.registerResource no longer calls newResource synchronously");
      }
    }
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: RegisterOutputsRequest, callback: unknown) => {
    const record = records.find((r) => r.urn === req.getUrn());
    const outputs = req.getOutputs()?.toJavaScript() as Record<string, unknown> | undefined;
    if (record && !record.custom && outputs && Object.keys(outputs).length) record.outputs = outputs;
    return registerOutputs(req, callback);
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
    await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  }
  return { stack, project: PROJECT, resources: records, outputs: serialized, config: stackConfig };
}

/** The fields of a record that the public newResource hook carries, as the record keeps them. */
function publicFields(args: pulumi.runtime.MockResourceArgs): Pick<ResourceRecord, "inputs" | "provider" | "importId"> {
  return {
    inputs: args.inputs as Record<string, unknown>,
    ...(args.provider ? { provider: args.provider } : {}),
    ...(args.id ? { importId: args.id } : {}),
  };
}

/** The registration request's getters the recorder reads (pulumirpc.RegisterResourceRequest). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(callback: (dependencies: { getUrnsList(): string[] }, key: string) => void): void };
  getIgnorechangesList(): string[];
  getAliasesList(): { getUrn(): string; getSpec(): AliasSpec | undefined }[];
}

interface AliasSpec {
  getName(): string;
  getType(): string;
  getStack(): string;
  getProject(): string;
  getParenturn(): string;
  getNoparent(): boolean;
}

interface RegisterOutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): unknown } | undefined;
}

/** The private surface of @pulumi/pulumi's MockMonitor that the recorder relies on. */
export interface PrivateMockMonitor {
  newUrn(parent: string | undefined, type: string, name: string): string;
  registerResource(req: RegisterRequest, callback: unknown): unknown;
  registerResourceOutputs(req: RegisterOutputsRequest, callback: unknown): unknown;
}

/** Thrown when @pulumi/pulumi's mock monitor no longer has the shape the recorder was written against. */
export class SdkPrivateSurfaceChanged extends Error {
  constructor(what: string) {
    super(`offline/recordStack.ts: @pulumi/pulumi changed under the recorder (${what}); re-check its private hooks against runtime/mocks.js and tests/program/recorder.test.ts`);
  }
}

/** The monitor setMocks installed, checked for the private methods the recorder wraps. */
export function privateMockMonitor(): PrivateMockMonitor {
  const monitor = settings.getMonitor() as unknown as Partial<PrivateMockMonitor> | undefined;
  for (const method of ["newUrn", "registerResource", "registerResourceOutputs"] as const) {
    if (typeof monitor?.[method] !== "function") throw new SdkPrivateSurfaceChanged(`the mock monitor has no ${method}()`);
  }
  return monitor as PrivateMockMonitor;
}

/**
 * The URNs a resource's aliases stand for (deployment v3 keeps aliases as URNs): a spec's empty
 * fields default to the resource's own, as the engine fills them; URNs are formed as the mock
 * monitor forms them.
 */
function aliasUrns(monitor: PrivateMockMonitor, req: RegisterRequest): string[] {
  return req.getAliasesList().map((alias) => {
    const spec = alias.getSpec();
    if (!spec) return alias.getUrn();
    if (spec.getStack() || spec.getProject()) throw new Error(`${req.getName()}: an alias to another stack or project is not recorded offline`);
    const parent = spec.getNoparent() ? undefined : spec.getParenturn() || req.getParent() || undefined;
    return monitor.newUrn(parent, spec.getType() || req.getType(), spec.getName() || req.getName());
  });
}

/** The organization every stack of a self-managed backend (gs://, file://) belongs to: the offline runs' too. */
const SELF_MANAGED_ORGANIZATION = "organization";

function selfStackName(stack: string): string {
  return `${SELF_MANAGED_ORGANIZATION}/${PROJECT}/${stack}`;
}

type RawBlockchainNode = { disk?: { migration?: { step?: string; keepSnapshot?: boolean } } };

function blockchainNodesOf(values: Record<string, unknown>): RawBlockchainNode[] {
  const nodes = values[`${PROJECT}:blockchainNodes`];
  return Array.isArray(nodes) ? (nodes as RawBlockchainNode[]) : [];
}

function migrationsDeclared(values: Record<string, unknown>): boolean {
  return blockchainNodesOf(values).some((node) => node?.disk?.migration);
}

/** The outputs the previous step's `up` exported: the same stack run with each migration one step back (none before copy). */
async function previousStepOutputs(stack: StackName, options: RecordOptions, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const nodes = blockchainNodesOf(values);
  if (nodes.every((node) => !node?.disk?.migration || (node.disk.migration.step === "copy" && node.disk.migration.keepSnapshot !== false))) return {};
  const earlier = nodes.map((node) => {
    const migration = node?.disk?.migration;
    if (!migration) return node;
    // A closed migration (the snapshot dropped) follows its retire.
    if (migration.keepSnapshot === false) return { ...node, disk: { ...node.disk, migration: { ...migration, keepSnapshot: true } } };
    const index = DISK_MIGRATION_STEPS.indexOf(migration.step as DiskMigrationStep);
    if (index <= 0) {
      const { migration: _dropped, ...disk } = node.disk!;
      return { ...node, disk };
    }
    return { ...node, disk: { ...node.disk, migration: { ...migration, step: DISK_MIGRATION_STEPS[index - 1] } } };
  });
  const previous = await recordStackNow(stack, { ...options, preview: false, deployed: undefined, configOverrides: { ...options.configOverrides, blockchainNodes: earlier } });
  return revealOutputs(previous.outputs);
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

/** The request's property dependencies, the empty ones left out as the engine leaves them out of its requests. */
function propertyDependenciesOf(req: RegisterRequest): Pick<ResourceRecord, "propertyDependencies"> {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((dependencies, key) => {
    const urns = dependencies.getUrnsList();
    if (urns.length) propertyDependencies[key] = urns;
  });
  return Object.keys(propertyDependencies).length ? { propertyDependencies } : {};
}

/** Outputs a cloud provider would compute, so what reads them (kubeconfig, URLs) sees real-looking values. */
function computedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case RESOURCE_TYPES.cluster:
      return { endpoint: "203.0.113.10", masterAuth: { clusterCaCertificate: Buffer.from(`offline CA of ${name}`).toString("base64") } };
    case RESOURCE_TYPES.address:
      return { address: inputs.address ?? "10.0.0.2", selfLink: `projects/${inputs.project}/regions/${inputs.region}/addresses/${inputs.name ?? name}` };
    case RESOURCE_TYPES.disk:
      return { selfLink: `projects/${inputs.project}/zones/${inputs.zone}/disks/${inputs.name ?? name}` };
    default:
      return {};
  }
}
