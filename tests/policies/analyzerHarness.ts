/**
 * Runs the policy pack the way the Pulumi CLI does and talks to it over the Analyzer gRPC protocol,
 * with requests filled the way the CLI fills them (pkg/resource/plugin/analyzer_plugin.go and the
 * step generator of pkg/resource/deploy):
 *
 * - the pack is started as `node .../run-policy-pack <engine-address> <pack dir>` in the pack's
 *   directory, with the stack's config in PULUMI_CONFIG and PULUMI_NODEJS_* set, and prints its port;
 * - a small Engine service answers the pack's `Log` calls;
 * - `--policy-pack-config` is loaded, reconciled with the defaults the pack advertises and validated
 *   against each policy's JSON schema (the CLI uses gojsonschema; ajv here) before `Configure`;
 * - `Analyze` gets a resource's inputs, options (protect, ignoreChanges, deleteBeforeReplace,
 *   additionalSecretOutputs, aliases, customTimeouts, parent) and its provider; `AnalyzeStack`
 *   (step_generator.go AnalyzeResources) gets every resource's state (`Outputs`) with its options,
 *   parent, dependencies, non-empty property dependencies and its provider (the provider's
 *   `Inputs`; a default provider's are the stack config of its package plus `version`).
 *   Properties keep unknowns and secrets in Pulumi's wire format (MarshalOptions{KeepUnknowns,
 *   KeepSecrets}; the internal `__` keys SkipInternalKeys drops never occur in recorded states).
 *
 * Used by the protocol and lone-pack tests and by bench/policy.ts.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import Ajv from "ajv";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import { ResourceRecord } from "../../graph/resourceRecord";
import { EnforcementLevel, loadPolicyPackConfigFile } from "../../policies/policyConfig";
import { buildPolicyPack, POLICY_PACK_DIR } from "../../scripts/buildPolicyPack";

// The protobuf runtime the generated stubs were built against (the Struct must be that module's).
const protoDir = path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"));
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [protoDir] })) as {
  Struct: { fromJavaScript(value: Record<string, unknown>): unknown };
};
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [protoDir] })) as { Empty: new () => unknown };

const LEVELS: Record<number, EnforcementLevel> = {
  [analyzerPb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerPb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerPb.EnforcementLevel.DISABLED]: "disabled",
  [analyzerPb.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_NUMBERS: Record<EnforcementLevel, number> = {
  advisory: analyzerPb.EnforcementLevel.ADVISORY,
  mandatory: analyzerPb.EnforcementLevel.MANDATORY,
  disabled: analyzerPb.EnforcementLevel.DISABLED,
  remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};

export interface Diagnostic {
  policyName: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
}

export interface EngineLogEntry {
  severity: number;
  message: string;
  urn: string;
}

/** The engine the pack logs to: only `Log` carries anything for an analyzer. */
export async function startFakeEngine(): Promise<{ address: string; logs: EngineLogEntry[]; stop(): Promise<void> }> {
  const logs: EngineLogEntry[] = [];
  const server = new grpc.Server();
  server.addService(engineGrpc.EngineService as unknown as grpc.ServiceDefinition, {
    log: (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
      logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
      callback(null, new Empty());
    },
    getRootResource: (_call: unknown, callback: grpc.sendUnaryData<any>) => callback(null, new enginePb.GetRootResourceResponse()),
    setRootResource: (_call: unknown, callback: grpc.sendUnaryData<any>) => callback(null, new enginePb.SetRootResourceResponse()),
    startDebugging: (_call: unknown, callback: grpc.sendUnaryData<any>) => callback(null, new Empty()),
    requirePulumiVersion: (_call: unknown, callback: grpc.sendUnaryData<any>) => callback(null, new enginePb.RequirePulumiVersionResponse()),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  return { address: `127.0.0.1:${port}`, logs, stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

export interface PolicyPackOptions {
  stack: string;
  project: string;
  /** The stack's config as the CLI passes it to the pack (PULUMI_CONFIG: key -> string). */
  stackConfig?: Record<string, unknown>;
  /** A preview (`pulumi preview`) rather than an update. */
  dryRun?: boolean;
  /** A pack directory other than the project's policies/ (already built and installed). */
  packDir?: string;
}

let projectPackBuilt = false;

export interface PolicyInfo {
  name: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, any>; required: string[] };
}

/** A policy-pack config the CLI refuses, with the CLI's per-policy messages. */
export class PolicyPackConfigRejected extends Error {
  constructor(readonly errors: string[]) {
    super(`validating policy config: ${errors.join("; ")}`);
  }
}

export class RunningPolicyPack {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: analyzerGrpc.AnalyzerClient,
    private readonly engine: { logs: EngineLogEntry[]; stop(): Promise<void> },
    private readonly stderr: () => string,
    readonly stack: string,
    readonly project: string,
    /** The stack's config (`namespace:key` -> value): what a default provider's inputs come from. */
    readonly stackConfig: Record<string, unknown>,
  ) {}

  get engineLogs(): EngineLogEntry[] {
    return this.engine.logs;
  }

  get output(): string {
    return this.stderr();
  }

  /** The pack's process id (the bench reads its CPU time from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: PolicyPackOptions): Promise<RunningPolicyPack> {
    const packDir = options.packDir ?? POLICY_PACK_DIR;
    // The project's pack runs its compiled bundle (package.json `main`): rebuilt from the sources
    // once per process, so a test never judges a stale bundle.
    if (!options.packDir && !projectPackBuilt) {
      buildPolicyPack();
      projectPackBuilt = true;
    }
    const engine = await startFakeEngine();
    // The CLI starts the @pulumi/pulumi that the pack itself resolves (its own node_modules, or
    // the project's above it): pulumi-analyzer-policy runs in the pack's directory.
    const runPolicyPack = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [packDir] })), "cmd", "run-policy-pack");
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.stackConfig ?? {})) config[key] = typeof value === "string" ? value : JSON.stringify(value);
    // The CLI runs the analyzer in the pack's directory (so the pack's package.json and tsconfig apply).
    const child = spawn(process.execPath, [runPolicyPack, engine.address, packDir], {
      cwd: packDir,
      env: {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_NODEJS_PROJECT: options.project,
        PULUMI_NODEJS_STACK: options.stack,
        PULUMI_NODEJS_ORGANIZATION: "organization",
        PULUMI_NODEJS_DRY_RUN: String(options.dryRun ?? true),
        PULUMI_DRY_RUN: String(options.dryRun ?? true),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = "";
      const timer = setTimeout(() => reject(new Error(`policy pack did not print its port within 90 s:\n${stderr}`)), 90_000);
      child.stdout!.on("data", (chunk) => {
        stdout += chunk;
        const line = stdout.split("\n")[0].trim();
        if (stdout.includes("\n") && /^\d+$/.test(line)) {
          clearTimeout(timer);
          resolve(Number(line));
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`policy pack exited with ${code} before listening:\n${stdout}\n${stderr}`));
      });
    });
    const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
      "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    return new RunningPolicyPack(child, client, engine, () => stderr, options.stack, options.project, options.stackConfig ?? {});
  }

  private call<Req, Res>(method: (req: Req, callback: (err: grpc.ServiceError | null, res: Res) => void) => unknown, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => method.call(this.client, request, (err, res) => (err ? reject(err) : resolve(res))));
  }

  async getAnalyzerInfo(): Promise<{ name: string; version: string; policies: PolicyInfo[] }> {
    const info = await this.call<any, analyzerPb.AnalyzerInfo>(this.client.getAnalyzerInfo, new Empty());
    return {
      name: info.getName(),
      version: info.getVersion(),
      policies: info.getPoliciesList().map((p) => {
        const schema = p.getConfigschema();
        return {
          name: p.getName(),
          enforcementLevel: LEVELS[p.getEnforcementlevel()],
          ...(schema ? { configSchema: { properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, any>, required: schema.getRequiredList() } } : {}),
        };
      }),
    };
  }

  /**
   * `--policy-pack-config FILE`: reconcile and validate as the CLI does, then `Configure`.
   * Throws PolicyPackConfigRejected when the CLI would refuse the file.
   */
  async configure(configFile: string): Promise<Map<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>> {
    const { policies } = await this.getAnalyzerInfo();
    const reconciled = reconcileLikeTheCli(policies, loadPolicyPackConfigFile(configFile));
    const request = new analyzerPb.ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [name, { enforcementLevel, properties }] of reconciled) {
      const config = new analyzerPb.PolicyConfig();
      config.setEnforcementlevel(LEVEL_NUMBERS[enforcementLevel]);
      config.setProperties(Struct.fromJavaScript(properties) as any);
      map.set(name, config);
    }
    await this.call(this.client.configure, request);
    return reconciled;
  }

  async analyze(record: ResourceRecord, all: ResourceRecord[] = [record]): Promise<Diagnostic[]> {
    const request = new analyzerPb.AnalyzeRequest();
    request.setUrn(record.urn);
    request.setType(record.type);
    request.setName(record.name);
    request.setProperties(Struct.fromJavaScript(record.inputs ?? {}) as any);
    request.setOptions(resourceOptions(record, true));
    const provider = providerOf(record, all, this.stack, this.project, this.stackConfig);
    if (provider) request.setProvider(provider);
    return diagnostics(await this.call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(this.client.analyze, request));
  }

  /** `Analyze` for every resource but the providers, as the step generator does. */
  async analyzeEach(records: ResourceRecord[]): Promise<Diagnostic[]> {
    const all: Diagnostic[] = [];
    for (const record of records.filter((r) => !isProviderType(r.type))) all.push(...(await this.analyze(record, records)));
    return all;
  }

  /** The request `AnalyzeStack` gets for these resources (built apart so a bench can time the call alone). */
  stackRequest(records: ResourceRecord[]): analyzerPb.AnalyzeStackRequest {
    return analyzeStackRequest(records, this.stack, this.project, this.stackConfig);
  }

  async analyzeStack(recordsOrRequest: ResourceRecord[] | analyzerPb.AnalyzeStackRequest): Promise<Diagnostic[]> {
    return (await this.analyzeStackWithSkips(recordsOrRequest)).diagnostics;
  }

  /** AnalyzeStack, with the policies the pack reported as not applicable (and why). */
  async analyzeStackWithSkips(recordsOrRequest: ResourceRecord[] | analyzerPb.AnalyzeStackRequest): Promise<{ diagnostics: Diagnostic[]; notApplicable: { policyName: string; reason: string }[] }> {
    const request = Array.isArray(recordsOrRequest) ? this.stackRequest(recordsOrRequest) : recordsOrRequest;
    const response = await this.call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(this.client.analyzeStack, request);
    return {
      diagnostics: diagnostics(response),
      notApplicable: response.getNotApplicableList().map((skip) => ({ policyName: skip.getPolicyName(), reason: skip.getReason() })),
    };
  }

  /**
   * `AnalyzeStack` with a request already in wire bytes: the CLI marshals in Go in a few
   * milliseconds, so a timing of the call should not include this JS client's marshalling.
   */
  analyzeStackBytes(request: Uint8Array): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) =>
      this.client.makeUnaryRequest<Buffer, analyzerPb.AnalyzeResponse>(
        "/pulumirpc.Analyzer/AnalyzeStack",
        (bytes) => bytes,
        (buffer) => analyzerPb.AnalyzeResponse.deserializeBinary(new Uint8Array(buffer)),
        Buffer.from(request.buffer, request.byteOffset, request.byteLength),
        (err, response) => (err ? reject(err) : resolve(diagnostics(response!))),
      ),
    );
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      await exited;
    }
    await this.engine.stop();
  }
}

function isProviderType(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

function diagnostics(response: analyzerPb.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    message: d.getMessage(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()],
    urn: d.getUrn(),
  }));
}

function resourceOptions(record: ResourceRecord, withParent: boolean): analyzerPb.AnalyzerResourceOptions {
  const options = new analyzerPb.AnalyzerResourceOptions();
  options.setProtect(record.protect ?? false);
  options.setIgnorechangesList(record.ignoreChanges ?? []);
  options.setDeletebeforereplace(false);
  options.setDeletebeforereplacedefined(false);
  options.setAdditionalsecretoutputsList([]);
  options.setAliasesList(record.aliases ?? []);
  const timeouts = new analyzerPb.AnalyzerResourceOptions.CustomTimeouts();
  timeouts.setCreate(0);
  timeouts.setUpdate(0);
  timeouts.setDelete(0);
  options.setCustomtimeouts(timeouts);
  // Analyze carries the parent in its options; AnalyzeStack on the resource itself.
  if (withParent && record.parent) options.setParent(record.parent);
  return options;
}

/** A custom resource's default provider, as the engine registers it when the program names none. */
function defaultProviderUrn(record: ResourceRecord, stack: string, project: string): string {
  const pkg = record.type.split(":")[0];
  return `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::default`;
}

/**
 * A default provider's inputs, as the engine registers it (default_providers.go): the stack config
 * of its package (`gcp:project` -> `project`) and the plugin version the SDK asks for.
 */
function defaultProviderInputs(pkg: string, stackConfig: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stackConfig)) {
    if (key.startsWith(`${pkg}:`)) inputs[key.slice(pkg.length + 1)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  try {
    inputs.version = (require(`@pulumi/${pkg}/package.json`) as { version: string }).version;
  } catch {
    // No SDK of that name installed: the engine would send no version either.
  }
  return inputs;
}

function providerOf(record: ResourceRecord, all: ResourceRecord[], stack: string, project: string, stackConfig: Record<string, unknown> = {}): analyzerPb.AnalyzerProviderResource | undefined {
  if (!record.custom || isProviderType(record.type)) return undefined;
  const provider = new analyzerPb.AnalyzerProviderResource();
  // A provider reference is "<urn>::<id>".
  const urn = record.provider ? record.provider.split("::").slice(0, -1).join("::") : defaultProviderUrn(record, stack, project);
  const explicit = all.find((r) => r.urn === urn);
  provider.setUrn(urn);
  provider.setType(explicit?.type ?? `pulumi:providers:${record.type.split(":")[0]}`);
  provider.setName(urn.split("::").pop()!);
  const pkg = record.type.split(":")[0];
  provider.setProperties(Struct.fromJavaScript(explicit?.inputs ?? defaultProviderInputs(pkg, stackConfig)) as any);
  return provider;
}

/** The `AnalyzeStack` request the CLI sends for these resources (with the default providers it registers). */
export function analyzeStackRequest(records: ResourceRecord[], stack: string, project: string, stackConfig: Record<string, unknown> = {}): analyzerPb.AnalyzeStackRequest {
  const request = new analyzerPb.AnalyzeStackRequest();
  request.setResourcesList(stackResources(records, stack, project, stackConfig));
  return request;
}

function stackResources(records: ResourceRecord[], stack: string, project: string, stackConfig: Record<string, unknown>): analyzerPb.AnalyzerResource[] {
  const defaultProviders = new Map<string, ResourceRecord>();
  for (const record of records) {
    if (record.custom && !record.provider && !isProviderType(record.type)) {
      const urn = defaultProviderUrn(record, stack, project);
      const pkg = record.type.split(":")[0];
      if (!defaultProviders.has(urn)) defaultProviders.set(urn, { urn, type: `pulumi:providers:${pkg}`, name: "default", custom: true, inputs: defaultProviderInputs(pkg, stackConfig) });
    }
  }
  const all = [...defaultProviders.values(), ...records];
  return all.map((record) => {
    const resource = new analyzerPb.AnalyzerResource();
    resource.setUrn(record.urn);
    resource.setType(record.type);
    resource.setName(record.name);
    // AnalyzeStack sees each resource's final state.
    resource.setProperties(Struct.fromJavaScript(record.outputs ?? record.inputs ?? {}) as any);
    resource.setOptions(resourceOptions(record, false));
    if (record.parent) resource.setParent(record.parent);
    resource.setDependenciesList(record.dependencies ?? []);
    const propertyDependencies = resource.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(record.propertyDependencies ?? {})) {
      if (!urns.length) continue;
      const dependencies = new analyzerPb.AnalyzerPropertyDependencies();
      dependencies.setUrnsList(urns);
      propertyDependencies.set(key, dependencies);
    }
    const provider = providerOf(record, all, stack, project, stackConfig);
    if (provider) resource.setProvider(provider);
    return resource;
  });
}

/**
 * The CLI's ReconcilePolicyPackConfig: each policy's advertised level and schema defaults, then the
 * file's "all", then its per-policy entries; each policy's properties validated against
 * `{type: object, properties, required}`.
 */
export function reconcileLikeTheCli(
  policies: PolicyInfo[],
  entries: Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }>,
): Map<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> {
  const result = new Map<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>();
  for (const policy of policies) {
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) if (schema && "default" in schema) defaults[key] = schema.default;
    result.set(policy.name, { enforcementLevel: policy.enforcementLevel, properties: defaults });
  }
  const all = entries.all?.enforcementLevel;
  if (all) for (const value of result.values()) value.enforcementLevel = all;
  for (const [name, entry] of Object.entries(entries)) {
    if (name === "all") continue;
    const current = result.get(name) ?? { enforcementLevel: entry.enforcementLevel!, properties: {} };
    if (entry.enforcementLevel) current.enforcementLevel = entry.enforcementLevel;
    Object.assign(current.properties, entry.properties ?? {});
    result.set(name, current);
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  const errors: string[] = [];
  for (const policy of policies) {
    if (!policy.configSchema) continue;
    const validate = ajv.compile({ type: "object", properties: policy.configSchema.properties, ...(policy.configSchema.required.length ? { required: policy.configSchema.required } : {}) });
    if (!validate(result.get(policy.name)!.properties)) {
      for (const error of validate.errors ?? []) errors.push(`${policy.name}: ${error.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(root)"} ${error.message}`);
    }
  }
  if (errors.length) throw new PolicyPackConfigRejected(errors);
  return result;
}
