/**
 * What the real-engine tests share (engine/realEngine.ts, cluster/realClusterEngine.ts): the
 * engine's folder, a throwaway copy of the project with its stack files made ready for the offline
 * CLI, `infra-cost` run as a user runs it, and the pass/fail tally with its last line.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { PROJECT, StackName } from "../config";
import { STACKS } from "../program/stacks";
import { PROJECT_ROOT } from "../program/projectRoot";

/** The organization a file:// backend gives every stack. */
export const FILE_BACKEND_ORG = "organization";

/** Checks printed one a line as `ok  ` or `FAIL`, and the closing tally (`real engine: N checks passed, M failed`). */
export class CheckTally {
  passed = 0;
  failed = 0;

  check(name: string, ok: boolean, detail = ""): boolean {
    if (ok) this.passed++;
    else this.failed++;
    console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
    return ok;
  }

  /** The last line; sets the exit code. */
  finish(what: string): void {
    console.log(`${what}: ${this.passed} checks passed, ${this.failed} failed`);
    process.exitCode = this.failed === 0 ? 0 : 1;
  }
}

export function engineDir(): string {
  const dir = process.env.ENGINE_DIR;
  if (!dir || !fs.existsSync(path.join(dir, "complete"))) {
    throw new Error(`ENGINE_DIR ${JSON.stringify(dir ?? "")} is not a built engine: run npm run test:engine (it builds the engine first)`);
  }
  return dir;
}

/** A copy of the project to run the CLI in, sharing node_modules, so the real stack files are never touched. */
export function copyProject(into: string): string {
  const project = path.join(into, "project");
  const skipped = new Set(["node_modules", ".git", "dist", "coverage"]);
  fs.cpSync(PROJECT_ROOT, project, {
    recursive: true,
    filter: (source) => source === PROJECT_ROOT || !skipped.has(path.relative(PROJECT_ROOT, source).split(path.sep)[0]),
  });
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  return project;
}

export interface SecretSetting {
  /** `pulumi config set --path` path, e.g. proxyPasswords.testnet-validators */
  path: string;
  value: string;
}

/** The blockchain nodes' volumes and claims are adopted with `import` too (a Read from the cluster): created instead. */
function withVolumesCreated(key: string, value: unknown): unknown {
  if (key !== "blockchainNodes" || !Array.isArray(value)) return value;
  return value.map((node: Record<string, unknown>) => ({ ...node, volume: { ...((node.volume as object) ?? {}), importExisting: false } }));
}

/**
 * Rewrites a copied stack file for the offline engine: no import ids (an import reads the existing
 * resource from GCP), and each `secure:` placeholder removed, to be set again as a passphrase
 * secret. Returns the secrets to set.
 */
export function prepareStackFile(file: string): SecretSetting[] {
  const document = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  const secrets: SecretSetting[] = [];
  const strip = (value: unknown, where: string): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => strip(v, `${where}[${i}]`));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (key === "importId") continue;
        if (inner !== null && typeof inner === "object" && Object.keys(inner).length === 1 && "secure" in inner) {
          secrets.push({ path: `${where}.${key}`, value: `test-${crypto.randomBytes(18).toString("base64url")}` });
          continue;
        }
        out[key] = strip(inner, `${where}.${key}`);
      }
      return out;
    }
    return value;
  };
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document.config)) {
    const name = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
    if (value !== null && typeof value === "object" && Object.keys(value).length === 1 && "secure" in value) {
      secrets.push({ path: name, value: `test-${crypto.randomBytes(18).toString("base64url")}` });
      continue;
    }
    const stripped = withVolumesCreated(name, strip(value, name));
    // A map left empty once its secrets are out is dropped: `config set --path` recreates it.
    if (stripped !== null && typeof stripped === "object" && !Array.isArray(stripped) && Object.keys(stripped).length === 0) continue;
    config[key] = stripped;
  }
  fs.writeFileSync(file, stringify({ config }));
  return secrets;
}

export function infraCost(args: string[]): { ok: boolean; text: string } {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "dist", "cli", "infra-cost.js"), ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ok: result.status === 0, text: result.status === 0 ? result.stdout : result.stderr || result.stdout };
}

/**
 * Both stacks on a copied project: each stack file made ready (prepareStackFile), the stack
 * initialised with a passphrase secrets provider, its secrets set again (the same password on both
 * sides of the proxy, as an operator sets it), and testnet's StackReference pointed at this
 * backend's prod. `must` runs the CLI and throws on failure. Returns every secret value set.
 */
export function initStacks(project: string, must: (args: string[]) => unknown, hide: (secretValue: string) => void): string[] {
  const secrets: Record<StackName, SecretSetting[]> = { prod: [], testnet: [] };
  for (const stack of STACKS) {
    secrets[stack] = prepareStackFile(path.join(project, `Pulumi.${stack}.yaml`));
    must(["stack", "init", stack, "--secrets-provider", "passphrase"]);
  }
  const shared = secrets.prod.find((s) => s.path === "proxyPasswords.testnet-validators");
  const validatorPassword = secrets.testnet.find((s) => s.path === "validatorProxyPassword");
  if (shared && validatorPassword) validatorPassword.value = shared.value;
  // The CLI is run with each value as an argument: the caller hides them from its messages first.
  const values = STACKS.flatMap((stack) => secrets[stack].map((s) => s.value));
  values.forEach(hide);
  for (const stack of STACKS) {
    for (const secret of secrets[stack]) must(["config", "set", "--stack", stack, "--secret", "--path", secret.path, secret.value]);
  }
  must(["config", "set", "--stack", "testnet", "--path", "validators.proxyStack", `${FILE_BACKEND_ORG}/${PROJECT}/prod`]);
  return values;
}

/**
 * A run's folder for the CLI: a copy of the project, a Pulumi home whose plugins are the engine
 * cache's (everything else the CLI writes stays in this run's folder), a file:// backend, and the
 * environment that keeps the CLI offline.
 */
export function engineWorkspace(dir: string, tmp: string): { project: string; env: NodeJS.ProcessEnv } {
  const project = copyProject(tmp);
  const home = path.join(tmp, "pulumi-home");
  fs.mkdirSync(home);
  fs.symlinkSync(path.join(dir, "pulumi-home", "plugins"), path.join(home, "plugins"), "dir");
  const state = path.join(tmp, "state");
  fs.mkdirSync(state);
  return {
    project,
    env: {
      ...process.env,
      PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${state}`,
      // A throwaway passphrase, unless one is given to inspect a kept run (RELAY_BUDGET_ENGINE_KEEP=1).
      PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE || crypto.randomBytes(24).toString("base64url"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      // For a real GCP provider: configure offline (the stand-in ignores them).
      GOOGLE_OAUTH_ACCESS_TOKEN: "dummy",
      PULUMI_GCP_SKIP_REGION_VALIDATION: "true",
      NO_COLOR: "1",
    },
  };
}
