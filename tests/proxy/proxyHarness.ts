/**
 * Runs the blockchain proxy for real: the nginx binary with the exact nginx.conf and credential checks the
 * prod stack records, in front of loopback JSON-RPC servers, reached with the chains.json the
 * testnet stack records.
 *
 * What is substituted, and nothing else (issue 5):
 * - listen addresses: `listen 8080;` / `listen 8081;` -> free loopback ports, and the chains.json
 *   URLs' host:port (the internal LB) -> the proxy's loopback address;
 * - upstream addresses: each `server <node>.<ns>.svc.cluster.local:8545` -> a loopback server;
 * - file paths: `/tmp/...` (pid, temp dirs) and the credentials directory -> a per-run directory;
 * - the config directory of `js_import` (the relay script) -> the per-run directory;
 * - when a test asks for it, the config's allowed source ranges -> loopback ranges (the config
 *   refuses loopback, which is not a private range; the tests' clients are on 127.0.0.0/8). The
 *   harness then proves by behaviour that loopback passes the source check (401, not 403).
 * nginx runs as uid/gid 101 when the tests run as root, as in the pod (nginx-unprivileged, non-root,
 * read-only root fs): no `user` directive and no `-g` beyond the pod's own `daemon off;`.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ResourceRecord, revealSecret } from "../../graph/resourceRecord";
import { recordAllStacks } from "../../offline/recordStack";
import { readStackConfig } from "../../offline/stackConfig";
import { CONFIG_DIR, CREDENTIALS_SECRET } from "../../components/blockchainProxy";
import { jsonRpcCallsIn, RELAY_SCRIPT, RELAY_SCRIPT_FILE } from "../../components/nginxConfigScript";
import { CREDENTIALS_FILE, renderCredentialChecks } from "../../components/credentialChecks";

export const NGINX_BINARY = "/usr/sbin/nginx";
/** The pod's uid (nginx-unprivileged); used when the tests run as root. */
const POD_UID = 101;
/** Known passwords for the offline run (the stack's own are encrypted). */
export const TEST_PROXY_PASSWORD = "proxy-test-password-2f9c41d7a0b3";

/** One entry of pocket-core's chains.json. */
export interface ChainsJsonEntry {
  id: string;
  url: string;
  basic_auth?: { username: string; password: string };
}

/** Settings of `relay-budget:blockchainProxy` a test replaces (the rest stay as in Pulumi.prod.yaml). */
export interface ProxyConfigOverrides {
  /** Loopback ranges the running proxy allows instead of the config's (substituted in the geo block). */
  allowedSourceRanges?: string[];
  /** Client names (each gets TEST_PROXY_PASSWORD). */
  clients?: string[];
  rateLimit?: { requestsPerSecond: number; burst: number };
  maxConnectionsPerUpstream?: number;
  maxConnectionsPerClient?: number;
  maxBatchCalls?: number;
  clientTimeouts?: { headerSeconds: number; bodySeconds: number; sendSeconds: number; keepaliveSeconds: number };
  workerConnections?: number;
  maxBodySize?: string;
  upstreamTimeoutSeconds?: number;
  keepaliveConnections?: number;
}

/** What the program generates for the proxy, read from the recorded stacks. */
export interface ProxyStackFiles {
  nginxConf: string;
  /** The ConfigMap's other files (the relay script), by name. */
  configFiles: Record<string, string>;
  /** The credentials Secret's files (name -> text), as the prod stack records them. */
  credentialFiles: Record<string, string>;
  chains: ChainsJsonEntry[];
  /** The prod stack's proxy config as the program validated it (the test's expectations). */
  proxyConfig: {
    routes: { relayChainId: string; blockchainNode: string }[];
    clients: string[];
    rateLimit: { requestsPerSecond: number; burst: number };
    maxConnectionsPerUpstream: number;
    maxConnectionsPerClient: number;
    maxBatchCalls: number;
    clientTimeouts: { headerSeconds: number; bodySeconds: number; sendSeconds: number; keepaliveSeconds: number };
    workerConnections: number;
    upstreamTimeoutSeconds: number;
    maxBodySize: string;
    keepaliveConnections: number;
    allowedSourceRanges: string[];
  };
  /** The container image of the proxy Deployment. */
  proxyImage: string;
  /** The proxy Deployment's pod spec, as recorded. */
  podSpec: any;
  /** Loopback ranges to substitute for the geo block's allowed ranges, if a test asked for them. */
  loopbackSourceRanges?: string[];
}

function findResource(resources: ResourceRecord[], type: string, name: string): ResourceRecord {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`the recorded stack has no ${type} named ${name}`);
  return found;
}

/** A string from a (possibly secret-wrapped) map of strings, e.g. a Secret's stringData. */
function stringEntry(map: unknown, key: string, where: string): string {
  const value = revealSecret((revealSecret(map) as Record<string, unknown> | undefined)?.[key]);
  if (typeof value !== "string") throw new Error(`${where} has no string key ${key}`);
  return value;
}

/**
 * The one source of the proxy's text: the prod and testnet stacks run by the program under mocks,
 * with known passwords and the given overrides of the prod proxy config.
 */
export async function proxyStackFiles(overrides: ProxyConfigOverrides = {}): Promise<ProxyStackFiles> {
  const prodProxy = readStackConfig("prod").values["relay-budget:blockchainProxy"] as Record<string, unknown>;
  const clients = overrides.clients ?? (prodProxy.clients as string[]);
  const { allowedSourceRanges: loopbackSourceRanges, ...configOverrides } = overrides;
  const [prod, testnet] = await recordAllStacks({
    prod: {
      configOverrides: {
        blockchainProxy: { ...prodProxy, ...configOverrides },
        proxyPasswords: Object.fromEntries(clients.map((client) => [client, TEST_PROXY_PASSWORD])),
      },
      secretOverrides: ["proxyPasswords"],
    },
    testnet: { configOverrides: { validatorProxyPassword: TEST_PROXY_PASSWORD }, secretOverrides: ["validatorProxyPassword"] },
  });
  const configMap = findResource(prod.resources, "kubernetes:core/v1:ConfigMap", "blockchain-proxy-config");
  const credentialsSecret = findResource(prod.resources, "kubernetes:core/v1:Secret", CREDENTIALS_SECRET);
  const chainsSecret = findResource(testnet.resources, "kubernetes:core/v1:Secret", "validator-chains");
  const deployment = findResource(prod.resources, "kubernetes:apps/v1:Deployment", "blockchain-proxy");
  const containers = (deployment.inputs as any).spec.template.spec.containers as { name: string; image: string }[];
  if (prod.config.stack !== "prod" || !prod.config.blockchainProxy) throw new Error("the prod stack has no blockchainProxy config");
  return {
    nginxConf: stringEntry(configMap.inputs.data, "nginx.conf", "ConfigMap blockchain-proxy-config"),
    // Every file of the ConfigMap beside nginx.conf (the relay script), as recorded.
    configFiles: Object.fromEntries(
      Object.keys((revealSecret(configMap.inputs.data) as Record<string, unknown>) ?? {})
        .filter((file) => file !== "nginx.conf")
        .map((file) => [file, stringEntry(configMap.inputs.data, file, "ConfigMap blockchain-proxy-config")]),
    ),
    credentialFiles: { [CREDENTIALS_FILE]: stringEntry(credentialsSecret.inputs.stringData, CREDENTIALS_FILE, `Secret ${CREDENTIALS_SECRET}`) },
    chains: JSON.parse(stringEntry(chainsSecret.inputs.stringData, "chains.json", "Secret validator-chains")),
    proxyConfig: prod.config.blockchainProxy,
    proxyImage: containers[0].image,
    podSpec: (deployment.inputs as any).spec.template.spec,
    loopbackSourceRanges,
  };
}

/** Fails with how to install nginx when the binary is missing (the tests never skip). */
export function requireNginx(): void {
  if (!fs.existsSync(NGINX_BINARY)) {
    throw new Error(
      `nginx is not installed (${NGINX_BINARY} missing): the proxy tests run the real binary. ` +
        "Install it with `apt-get install -y $(cat .ci/apt-packages.txt)` (Debian bookworm: nginx-light, nginx 1.22).",
    );
  }
}

/** major.minor of the installed nginx, from `nginx -v` (which prints on stderr). */
export function nginxVersion(): string {
  requireNginx();
  const text = spawnSync(NGINX_BINARY, ["-v"], { encoding: "utf8" }).stderr;
  const match = /nginx\/(\d+\.\d+)\./.exec(text);
  if (!match) throw new Error(`cannot read the nginx version from ${JSON.stringify(text)}`);
  return match[1];
}

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, deadline: number, exited: () => string | undefined): Promise<void> {
  for (;;) {
    const why = exited();
    if (why !== undefined) throw new Error(why);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (connected) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after the wait`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves when `condition` holds: for state that socket and server events update (answers
 * received, relays counted, processes replaced). Checked every 10 ms; fails after `timeoutMs` (a
 * bound, never a timing assertion) with an error naming `what`.
 */
export function until(condition: () => boolean, timeoutMs = 10000, what = "condition"): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`${what}: not met within ${timeoutMs} ms`));
      setTimeout(check, 10);
    };
    check();
  });
}

function replaceCounted(text: string, pattern: RegExp, replacement: (match: string, ...groups: string[]) => string, what: string): string {
  let count = 0;
  const out = text.replace(pattern, (match: string, ...groups: string[]) => {
    count++;
    return replacement(match, ...groups);
  });
  if (count === 0) throw new Error(`nginx.conf has no ${what} to substitute: the generated config changed shape`);
  return out;
}

export interface LoopbackSubstitution {
  /** Directory for pid, temp paths, credential checks and logs. */
  dir: string;
  proxyPort: number;
  healthPort: number;
  /** The address a `server` line of an upstream block points at -> "127.0.0.1:port". */
  upstreamFor: (upstreamAddress: string) => string;
  /** Replaces the config's allowed ranges when given. */
  sourceRanges?: string[];
  /** The allowed ranges of the config (what `sourceRanges` replaces). */
  configuredRanges: string[];
}

/** The generated nginx.conf with only listen addresses, upstream addresses and file paths made loopback-local. */
export function substituteForLoopback(nginxConf: string, sub: LoopbackSubstitution): string {
  let text = nginxConf;
  const listens = [...text.matchAll(/^(\s*)listen (\d+);$/gm)].map((m) => Number(m[2]));
  if (listens.length !== 2) throw new Error(`expected two listen ports (proxy, health) in nginx.conf, found ${JSON.stringify(listens)}`);
  const credentialsDir = credentialsDirOf(text);
  const [proxyListen, healthListen] = listens;
  text = replaceCounted(text, new RegExp(`^(\\s*)listen ${proxyListen};$`, "gm"), (_m, indent) => `${indent}listen 127.0.0.1:${sub.proxyPort};`, "proxy listen");
  text = replaceCounted(text, new RegExp(`^(\\s*)listen ${healthListen};$`, "gm"), (_m, indent) => `${indent}listen 127.0.0.1:${sub.healthPort};`, "health listen");
  text = replaceCounted(text, /^(\s*)server (\S+)( |;)/gm, (_m, indent, address, after) => `${indent}server ${sub.upstreamFor(address)}${after}`, "upstream server");
  if (sub.sourceRanges) {
    // The config's own ranges, wherever the config lists them as allowed (value 1): the first
    // becomes the loopback ranges, the others go. startProxy checks the effect by behaviour.
    const ranges = sub.sourceRanges;
    const [first, ...others] = sub.configuredRanges;
    text = replaceCounted(text, new RegExp(`^(\\s*)${escapeRegExp(first)} 1;$`, "gm"), (_m, indent) => ranges.map((r) => `${indent}${r} 1;`).join("\n"), `allowed range ${first}`);
    for (const range of others) text = replaceCounted(text, new RegExp(`^\\s*${escapeRegExp(range)} 1;\n`, "gm"), () => "", `allowed range ${range}`);
  }
  text = replaceCounted(text, /(?<=[\s"'])\/tmp\//g, () => `${sub.dir}/`, "/tmp path");
  text = replaceCounted(text, new RegExp(`include ${escapeRegExp(credentialsDir)}/`, "g"), () => `include ${sub.dir}/`, "credential file path");
  if (text.includes(`${CONFIG_DIR}/`)) text = text.split(`${CONFIG_DIR}/`).join(`${sub.dir}/`);
  return text;
}

/** The one directory the credential checks are included from. */
function credentialsDirOf(nginxConf: string): string {
  const dirs = [...new Set([...nginxConf.matchAll(new RegExp(`^\\s*include (\\S+)/${escapeRegExp(CREDENTIALS_FILE)};$`, "gm"))].map((m) => m[1]))];
  if (dirs.length !== 1) throw new Error(`expected the credential checks to be included from one directory in nginx.conf, found ${JSON.stringify(dirs)}`);
  return dirs[0];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The upstream addresses (`server` lines) of the generated nginx.conf, by upstream block name. */
export function upstreamAddresses(nginxConf: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of nginxConf.matchAll(/upstream (\S+) \{[^}]*?^\s*server (\S+?)[ ;]/gms)) found.set(m[1], m[2]);
  return found;
}

export interface RunningProxy {
  /** http://127.0.0.1:<proxy port> */
  origin: string;
  healthOrigin: string;
  dir: string;
  masterPid: number;
  /** chains.json entries with their URL pointed at this proxy. */
  chains: ChainsJsonEntry[];
  chain(relayChainId: string): ChainsJsonEntry;
  /** The nginx.conf nginx runs. */
  config: string;
  /** Another generated nginx.conf with this proxy's substitutions (to reload into). */
  loopbackConfig(nginxConf: string): string;
  /** Worker process ids (children of the master). */
  workerPids(): number[];
  /** Access log and error log so far (nginx's stdout and stderr). */
  output(): string;
  /** The output once it matches `pattern` (nginx writes it; the file is watched, not polled), or an error after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Writes a new nginx.conf (default: the same) and signals the master to reload (SIGHUP). */
  reload(nginxConf?: string): void;
  stop(): Promise<void>;
}

/** Processes still running, stopped by `stopAllProxies` if a test forgets (or fails before) stopping. */
const running = new Set<RunningProxy>();

export async function stopAllProxies(): Promise<void> {
  await Promise.all([...running].map((proxy) => proxy.stop()));
}

/**
 * Starts nginx on the recorded config with loopback substitutions. `upstreamFor` maps each upstream
 * address of the config to a loopback server address.
 */
export async function startProxy(files: ProxyStackFiles, upstreamFor: (upstreamAddress: string) => string): Promise<RunningProxy> {
  requireNginx();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blockchain-proxy-"));
  const proxyPort = await freePort();
  const healthPort = await freePort();
  const substitution = { dir, proxyPort, healthPort, upstreamFor, sourceRanges: files.loopbackSourceRanges, configuredRanges: files.proxyConfig.allowedSourceRanges };
  const config = substituteForLoopback(files.nginxConf, substitution);
  const asPodUser = process.getuid?.() === 0;
  const writeOwned = (file: string, text: string) => {
    fs.writeFileSync(path.join(dir, file), text);
    if (asPodUser) fs.chownSync(path.join(dir, file), POD_UID, POD_UID);
  };
  writeOwned("nginx.conf", config);
  for (const [file, text] of Object.entries({ ...files.credentialFiles, ...files.configFiles })) writeOwned(file, text);
  writeOwned("nginx.out", "");
  if (asPodUser) fs.chownSync(dir, POD_UID, POD_UID);
  // nginx reopens /dev/stdout for the access log: a file (not a pipe owned by root) it can open as uid 101.
  const outFd = fs.openSync(path.join(dir, "nginx.out"), "a");
  const child: ChildProcess = spawn(NGINX_BINARY, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"], {
    stdio: ["ignore", outFd, outFd],
    ...(asPodUser ? { uid: POD_UID, gid: POD_UID } : {}),
  });
  fs.closeSync(outFd);
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exitReason = `nginx exited (code ${code}, signal ${signal}): ${fs.readFileSync(path.join(dir, "nginx.out"), "utf8").slice(-2000)}`;
      resolve();
    });
  });
  const proxyOrigin = `http://127.0.0.1:${proxyPort}`;
  const chains = files.chains.map((entry) => ({ ...entry, url: entry.url.replace(/^http:\/\/[^/]+/, proxyOrigin) }));
  let stopped = false;
  const proxy: RunningProxy = {
    origin: proxyOrigin,
    healthOrigin: `http://127.0.0.1:${healthPort}`,
    dir,
    masterPid: child.pid!,
    chains,
    chain(relayChainId) {
      const entry = chains.find((c) => c.id === relayChainId);
      if (!entry) throw new Error(`chains.json has no entry ${relayChainId}`);
      return entry;
    },
    config,
    loopbackConfig: (nginxConf) => substituteForLoopback(nginxConf, substitution),
    workerPids: () => childPids(child.pid!),
    output: () => fs.readFileSync(path.join(dir, "nginx.out"), "utf8"),
    waitForOutput: (pattern, timeoutMs = 10000) => waitForFile(path.join(dir, "nginx.out"), pattern, timeoutMs),
    reload(nginxConf) {
      writeOwned("nginx.conf", nginxConf ?? config);
      process.kill(child.pid!, "SIGHUP");
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(proxy);
      if (exitReason === undefined) {
        // SIGTERM: fast shutdown of master and workers; SIGKILL only if it hangs.
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(proxy);
  try {
    await waitForPort(proxyPort, Date.now() + 10000, () => exitReason);
    await waitForPort(healthPort, Date.now() + 10000, () => exitReason);
    if (files.loopbackSourceRanges) {
      // The substitution took: a loopback client without credentials gets past the source check.
      const probe = await rawHttp(proxyOrigin, `POST / HTTP/1.1\r\nHost: proxy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      if (probe.status !== 401) throw new Error(`loopback clients are not allowed by the substituted ranges: a request without credentials got ${probe.status}, not 401`);
    }
  } catch (err) {
    await proxy.stop();
    throw err;
  }
  return proxy;
}

/** Resolves with the file's text once it matches `pattern`, checking on every change the kernel reports. */
export function waitForFile(file: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const text = fs.readFileSync(file, "utf8");
      if (!pattern.test(text)) return false;
      watcher.close();
      clearTimeout(timer);
      resolve(text);
      return true;
    };
    const watcher = fs.watch(file, () => void check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${path.basename(file)} did not show ${pattern} within ${timeoutMs} ms: ${fs.readFileSync(file, "utf8").slice(-500)}`));
    }, timeoutMs);
    check();
  });
}

/** Pids of the processes whose parent is `pid` (nginx workers of a master), read from /proc. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the parenthesised command name: state, ppid, ...
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid && fields[0] !== "Z") children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Upstreams: real Ethereum JSON-RPC servers and small scripted ones.

export interface Upstream {
  /** "127.0.0.1:port" */
  address: string;
  close(): Promise<void>;
}

/** A ganache Ethereum node on loopback with its own chain id. */
export async function startGanache(chainId: number): Promise<Upstream> {
  // Required lazily: ganache is large and only some test files need it.
  const ganache = require("ganache");
  const port = await freePort();
  const server = ganache.server({ chain: { chainId }, logging: { quiet: true }, wallet: { deterministic: true } });
  await server.listen(port, "127.0.0.1");
  return { address: `127.0.0.1:${port}`, close: () => server.close() };
}

export interface ScriptedUpstreamStats {
  /** TCP connections accepted. */
  connections: number;
  requests: number;
  inFlight: number;
  maxInFlight: number;
  /** JSON-RPC calls received: a batch's elements, or one per other body. */
  calls: number;
  /** Request headers as received, in order. */
  requestHeaders: http.IncomingHttpHeaders[];
  httpVersions: string[];
  urls: string[];
}

export interface ScriptedUpstream extends Upstream {
  stats: ScriptedUpstreamStats;
  /** Resolves when `condition` holds, checked as each request arrives or is answered (no timer). */
  when(condition: (stats: ScriptedUpstreamStats) => boolean): Promise<void>;
}

/**
 * A JSON-RPC server answering eth_chainId after `delayMs`, counting connections and concurrent
 * requests: the slow, counting node the limit and keepalive tests need.
 */
export async function startScriptedUpstream(options: { chainId: number; delayMs?: number; answerBytes?: number }): Promise<ScriptedUpstream> {
  const stats: ScriptedUpstreamStats = { connections: 0, requests: 0, inFlight: 0, maxInFlight: 0, calls: 0, requestHeaders: [], httpVersions: [], urls: [] };
  const waiters = new Set<() => void>();
  const padding = options.answerBytes ? Buffer.alloc(options.answerBytes, "x") : undefined;
  const changed = () => waiters.forEach((w) => w());
  const pending = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    stats.requestHeaders.push(req.headers);
    stats.httpVersions.push(req.httpVersion);
    stats.urls.push(req.url ?? "");
    changed();
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      let parsed: any;
      try {
        parsed = JSON.parse(body);
      } catch {
        // Not JSON: answered with id null, as a node would.
      }
      stats.calls += jsonRpcCallsIn(parsed);
      changed();
      const answer = () => {
        pending.delete(timer);
        stats.inFlight--;
        const id: unknown = Array.isArray(parsed) ? null : (parsed?.id ?? null);
        res.setHeader("Content-Type", "application/json");
        const answer = JSON.stringify({ jsonrpc: "2.0", id, result: `0x${options.chainId.toString(16)}` });
        if (padding) {
          // A large answer (eth_getLogs-like) from one shared buffer: no copy per request.
          res.write(`${answer.slice(0, -1)},"padding":"`);
          res.write(padding);
          res.end('"}');
        } else {
          res.end(answer);
        }
        changed();
      };
      const timer = setTimeout(answer, options.delayMs ?? 0);
      pending.add(timer);
    });
  });
  // Idle connections from nginx stay open as long as nginx keeps them (geth's idle timeout is 120 s).
  server.keepAliveTimeout = 120_000;
  server.on("connection", () => stats.connections++);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return {
    address: `127.0.0.1:${port}`,
    stats,
    when: (condition) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!condition(stats)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback address where nothing listens: an upstream that is down. */
export async function downUpstreamAddress(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

// ---------------------------------------------------------------------------------------------
// Clients.

export interface RelayResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
  elapsedMs: number;
  /** True when the first attempt hit a closing idle keep-alive connection and was sent again. */
  retriedIdleConnectionClose?: boolean;
}

export interface RelayOptions {
  /** pocket-core's payload.path, appended after "/" (often empty). */
  path?: string;
  body?: string;
  /** Source address of the client (e.g. 127.0.0.2 to be outside the allowed ranges). */
  localAddress?: string;
  /** Replace the chains.json credentials: null sends none. */
  credentials?: { username: string; password: string } | null;
  agent?: http.Agent;
  timeoutMs?: number;
  /**
   * Retry once when a reused keep-alive connection is closed before any answer (the HTTP/1.1 race
   * of a server closing an idle connection as the client sends on it; Node's documented remedy).
   */
  retryIdleConnectionClose?: boolean;
}

/** A JSON-RPC request body. */
export function rpcBody(method: string, params: unknown[] = [], id = 1): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method, params });
}

/**
 * A relay the way pocket-core sends one: trim trailing '/' from the chains.json url, append
 * "/" + path, POST the JSON-RPC body with basic auth from chains.json.
 */
export async function pocketRelay(chain: ChainsJsonEntry, options: RelayOptions = {}): Promise<RelayResponse> {
  const credentials = options.credentials === undefined ? chain.basic_auth : options.credentials;
  const url = `${chain.url.replace(/\/+$/, "")}/${options.path ?? ""}`;
  try {
    return await postJson(url, { ...options, credentials });
  } catch (err) {
    const { reusedSocket, code } = err as { reusedSocket?: boolean; code?: string };
    if (!options.retryIdleConnectionClose || !reusedSocket || code !== "ECONNRESET") throw err;
    return { ...(await postJson(url, { ...options, credentials })), retriedIdleConnectionClose: true };
  }
}

/** POST a JSON body to exactly `url`, with basic auth when credentials are given. */
export function postJson(url: string, options: Omit<RelayOptions, "path"> = {}): Promise<RelayResponse> {
  const target = new URL(url);
  const body = options.body ?? rpcBody("eth_chainId");
  const headers: http.OutgoingHttpHeaders = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
  const credentials = options.credentials;
  if (credentials) headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: "POST",
        headers,
        localAddress: options.localAddress,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 15000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("error", reject);
        res.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json, elapsedMs: performance.now() - started });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`POST ${target.href} timed out`)));
    req.on("error", (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

/** Checks a proxy error answer: the status and a JSON-RPC 2.0 error object with a server error code. */
export function expectJsonRpcError(response: RelayResponse, status: number): void {
  expect({ status: response.status, contentType: response.headers["content-type"] }).toEqual({ status, contentType: "application/json" });
  expect(response.json).toEqual({
    jsonrpc: "2.0",
    id: null,
    error: { code: expect.any(Number), message: expect.any(String) },
  });
  // JSON-RPC reserves -32000..-32099 for implementation-defined server errors.
  expect(response.json.error.code).toBeGreaterThanOrEqual(-32099);
  expect(response.json.error.code).toBeLessThanOrEqual(-32000);
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** An answer read off a raw socket: what nginx sent, however malformed the request was. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: any;
}

/**
 * Sends `request` byte for byte on a new TCP connection (for requests an HTTP client refuses to
 * build: bad request lines, TRACE, huge headers) and reads the first answer.
 */
export function rawHttp(origin: string, request: string | Buffer, options: { localAddress?: string; timeoutMs?: number } = {}): Promise<RawResponse> {
  const target = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.hostname, port: Number(target.port), localAddress: options.localAddress });
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(new Error(`no complete answer from ${origin} in time: ${received.toString("latin1").slice(0, 200)}`)), options.timeoutMs ?? 10000);
    const finish = () => {
      const text = received.toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      if (split === -1) return false;
      const [statusLine, ...headerLines] = text.slice(0, split).split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of headerLines) headers[line.slice(0, line.indexOf(":")).toLowerCase()] = line.slice(line.indexOf(":") + 1).trim();
      const length = Number(headers["content-length"] ?? NaN);
      const body = text.slice(split + 4);
      if (!Number.isNaN(length) && Buffer.byteLength(body) < length) return false;
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body, json });
      return true;
    };
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      finish();
    });
    socket.on("end", () => {
      if (!finish()) reject(new Error(`connection closed before a complete answer: ${JSON.stringify(received.toString("latin1").slice(0, 200))}`));
    });
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.write(request);
  });
}

/**
 * Credentials whose Basic header equals `name:password`'s but for the case of one base64 letter:
 * the same key to nginx's map, which ignores case. Computed, not typed in.
 */
export function caseTwins(name: string, password: string): { username: string; password: string }[] {
  const encoded = Buffer.from(`${name}:${password}`).toString("base64");
  const twins: { username: string; password: string }[] = [];
  for (let at = 0; at < encoded.length; at++) {
    const c = encoded[at];
    if (!/[A-Za-z]/.test(c)) continue;
    const flipped = encoded.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + encoded.slice(at + 1);
    const text = Buffer.from(flipped, "base64").toString("utf8");
    if (Buffer.from(text, "utf8").toString("base64") !== flipped) continue;
    const match = /^([A-Za-z0-9._-]{1,64}):([^\u0000-\u001f\u007f:]+)$/.exec(text);
    if (match) twins.push({ username: match[1], password: match[2] });
  }
  return twins;
}

/** Checks a raw answer the way `expectJsonRpcError` checks a relay's. */
export function expectRawJsonRpcError(response: RawResponse, status: number): void {
  expectJsonRpcError({ status: response.status, headers: { "content-type": response.headers["content-type"] }, body: response.body, json: response.json, elapsedMs: 0 }, status);
}

/**
 * `nginx -t` on a rendered config, with only file paths moved to a scratch directory and upstream
 * hosts pointed at 127.0.0.1 (names would be resolved at load). Returns nginx's exit status and stderr.
 */
export function nginxTest(
  nginxConf: string,
  credentialFiles: Record<string, string> = renderCredentialChecks([{ username: "testnet-validators", password: TEST_PROXY_PASSWORD }]),
): { status: number | null; stderr: string } {
  requireNginx();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nginx-t-"));
  try {
    const text = nginxConf
      .replace(/^(\s*server )\S+?(:\d+)( |;)/gm, "$1127.0.0.1$2$3")
      .replace(/(?<=[\s"'])\/tmp\//g, `${dir}/`)
      .split(`include ${credentialsDirOf(nginxConf)}/`)
      .join(`include ${dir}/`);
    fs.writeFileSync(path.join(dir, "nginx.conf"), text.split(`${CONFIG_DIR}/`).join(`${dir}/`));
    for (const [file, content] of Object.entries({ ...credentialFiles, [RELAY_SCRIPT_FILE]: RELAY_SCRIPT })) fs.writeFileSync(path.join(dir, file), content);
    // nginx reopens /dev/stdout for the access log, which fails on a socket: give it a file.
    const stdout = fs.openSync(path.join(dir, "stdout"), "w");
    const check = spawnSync(NGINX_BINARY, ["-t", "-q", "-p", dir, "-c", path.join(dir, "nginx.conf")], { encoding: "utf8", stdio: ["ignore", stdout, "pipe"] });
    fs.closeSync(stdout);
    return { status: check.status, stderr: check.stderr.split(dir).join("<dir>") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** /healthz `count` times, one after the other, as the kubelet probes it; statuses (0 for a connection error). */
export async function healthChecks(healthOrigin: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    statuses.push(await rawHttp(healthOrigin, "GET /healthz HTTP/1.1\r\nHost: kubelet\r\nConnection: close\r\n\r\n", { timeoutMs: 5000 }).then((r) => r.status, () => 0));
  }
  return statuses;
}

/** The share of statuses that are 200. */
export const okShare = (statuses: number[]) => statuses.filter((s) => s === 200).length / statuses.length;
