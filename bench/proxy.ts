/**
 * What the blockchain proxy costs, measured so that 2 shared cores do not decide the result:
 * - nginx CPU per relay (master and workers, from /proc/<pid>/schedstat) with the config
 *   `renderNginxConfig` generates, against the same nginx running a bare `proxy_pass` config (the
 *   floor for any nginx proxy), in alternating rounds against the same fast upstream;
 * - the p99 latency the proxy adds at a light load (4 connections) over going direct;
 * - errors over all relays through the generated config (at least 100,000).
 *
 * The upstream is a third nginx answering a fixed JSON-RPC result, so the proxy is what is
 * measured, not a node. The generated config runs the prod stack's settings except the per-client
 * rate limit (the load comes from one client; the limiter's own cost stays in the path), the
 * concurrency cap (raised above the load's connection count so no request is refused by design),
 * the upstream keepalive pool (sized to the load's concurrency) and the allowed source range
 * (loopback, substituted in the geo block as the proxy tests do). Both proxies run the worker count
 * the prod pod gets (one per CPU of its limit).
 * Latency is taken per request from autocannon's response events (microsecond resolution; its
 * histogram rounds to whole milliseconds, too coarse for a 1 ms budget).
 *
 * Then each attack of the threat model (README, "Threat model") against the generated config with
 * the prod stack's own limits (bench/proxyAttacks.ts), loopback only, bounded in count and time,
 * while other validators relay and the kubelet probes /healthz; one line each.
 *
 * Usage: npm run bench:proxy  [BENCH_PROXY_REQUESTS=100000] [BENCH_PROXY_CONNECTIONS=16]
 * Lines: proxy cpu/relay: A us, bare proxy_pass: B us, ratio: R, p99 added at 4 connections: X ms, errors: N
 *        under attack (<attack>): valid relays N/M ok, healthz K/L ok, node calls C (bound B)
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { renderCredentialChecks } from "../components/credentialChecks";
import { renderNginxConfig } from "../components/nginxConfig";
import { NginxConfigSpec } from "../components/nginxConfigSpec";
import { readStackConfig } from "../offline/stackConfig";
import type { BlockchainProxyConfig } from "../config";
import { RELAY_SCRIPT, RELAY_SCRIPT_FILE } from "../components/nginxConfigScript";
import { MAX_BURST, MAX_REQUESTS_PER_SECOND } from "../validation/proxyLimits";
import { runAttacks } from "./proxyAttacks";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const autocannon = require("autocannon");

const NGINX_BINARY = "/usr/sbin/nginx";
/** nginx-unprivileged's uid, as in the pod (used when run as root). */
const POD_UID = 101;
const REQUESTS = Number(process.env.BENCH_PROXY_REQUESTS ?? 100_000);
/** Connections of the CPU rounds: enough to keep both proxies busy on 2 shared cores. */
const CONNECTIONS = Number(process.env.BENCH_PROXY_CONNECTIONS ?? 16);
/** The light load of the latency runs. */
const LIGHT_CONNECTIONS = 4;
const LIGHT_REQUESTS = 20_000;
/** Rounds of the light-load latency runs. */
const LIGHT_ROUNDS = 4;
const WARMUP_REQUESTS = 10_000;
/**
 * The two proxies alternate this many times (the machine's other load hits both alike); the CPU
 * figures are the medians of the rounds, so a burst of other load on the shared cores during one
 * round does not decide the result. Short rounds (2,500 relays, under a second) give the other
 * load less time to change between the two halves of a round.
 */
const ROUNDS = 40;
/**
 * nginx closes a client connection after keepalive_requests (default 1000) with "Connection:
 * close"; autocannon ignores the header and sends one more request on the closing connection,
 * which is lost. Go's client (pocket-core) reconnects cleanly, so this is a load-tool artefact:
 * both nginx servers of the bench keep client connections for the whole run instead.
 */
const BENCH_KEEPALIVE_REQUESTS = "keepalive_requests 1000000;";
const USERNAME = "testnet-validators";
const PASSWORD = "bench-password-6d1f0c9e8b7a";
const RELAY_BODY = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] });
const UPSTREAM_RESULT = JSON.stringify({ jsonrpc: "2.0", id: 1, result: "0x10d4f" });

/** The prod stack's proxy settings (Pulumi.prod.yaml), with the changes the file comment lists. */
function benchSpec(upstreamPort: number): NginxConfigSpec {
  const prod = readStackConfig("prod").values["relay-budget:blockchainProxy"] as BlockchainProxyConfig;
  return {
    listenPort: 8080,
    healthPort: 8081,
    routes: [{ relayChainId: "0020", blockchainNode: "geth-goerli", upstreamHost: "127.0.0.1", upstreamPort }],
    // Replaced by loopback in the geo block (loopback is not a range the config accepts).
    allowedSourceRanges: ["10.150.0.0/20"],
    credentialsDir: "/etc/nginx/auth",
    configDir: "/tmp",
    rateLimit: { requestsPerSecond: MAX_REQUESTS_PER_SECOND, burst: MAX_BURST },
    maxConnectionsPerUpstream: CONNECTIONS * 2,
    // The load comes from one address: its share is the whole load.
    maxConnectionsPerClient: CONNECTIONS,
    // One client, as in prod: its share is the node's whole cap.
    maxConnectionsPerCredential: CONNECTIONS * 2,
    maxBatchCalls: prod.maxBatchCalls,
    clientTimeouts: prod.clientTimeouts,
    workerConnections: prod.workerConnections,
    memoryLimitBytes: prod.resources.memoryLimitGiB * 2 ** 30,
    maxBodySize: prod.maxBodySize ?? "1m",
    upstreamTimeoutSeconds: prod.upstreamTimeoutSeconds ?? 260,
    // The idle pool must hold the concurrent connections, or every relay past it opens a new one.
    keepaliveConnections: CONNECTIONS,
    // What BlockchainProxy gives the pod: one worker per CPU of its limit.
    workerProcesses: Math.max(1, Math.ceil(prod.resources.cpuLimit)),
  };
}

/** The start of both bench-only nginx configs: writable paths under /tmp, no access log, an open `http {`. */
function benchNginxPreamble(workers: number): string[] {
  return [
    `worker_processes ${workers};`,
    "pid /tmp/nginx.pid;",
    "error_log stderr warn;",
    "events { worker_connections 4096; }",
    "http {",
    "    access_log off;",
    "    client_body_temp_path /tmp/client_temp;",
    "    proxy_temp_path /tmp/proxy_temp;",
    "    fastcgi_temp_path /tmp/fastcgi_temp;",
    "    uwsgi_temp_path /tmp/uwsgi_temp;",
    "    scgi_temp_path /tmp/scgi_temp;",
    `    ${BENCH_KEEPALIVE_REQUESTS}`,
  ];
}

/** The floor: the same nginx, one upstream with the same keepalive pool, `proxy_pass` and nothing else. */
function bareProxyConfig(port: number, upstreamPort: number, workers: number): string {
  return [
    ...benchNginxPreamble(workers),
    `    upstream node { server 127.0.0.1:${upstreamPort}; keepalive ${CONNECTIONS}; }`,
    "    server {",
    `        listen 127.0.0.1:${port};`,
    "        location / {",
    "            proxy_pass http://node;",
    "            proxy_http_version 1.1;",
    '            proxy_set_header Connection "";',
    "        }",
    "    }",
    "}",
    "",
  ].join("\n");
}

/** The fast upstream: nginx answering every POST with a fixed JSON-RPC result, one worker. */
function upstreamConfig(port: number): string {
  return [
    ...benchNginxPreamble(1),
    "    server {",
    `        listen 127.0.0.1:${port};`,
    "        default_type application/json;",
    `        location / { return 200 '${UPSTREAM_RESULT}'; }`,
    "    }",
    "}",
    "",
  ].join("\n");
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Nginx {
  /** The master process. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs nginx on `config` (paths under /tmp moved to a private dir) until stop(). Its stdout (the
 * access log) is a FIFO this process drains, as a pod's stdout is the FIFO the container runtime
 * reads: writing the log costs nginx what it costs in the pod, not a file system's write path.
 * Its stderr (the error log) goes to a file, shown when nginx does not start.
 */
async function startNginx(name: string, config: string, port: number, files: Record<string, string> = {}): Promise<Nginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  const asPodUser = process.getuid?.() === 0;
  const own = (file: string) => {
    if (asPodUser) fs.chownSync(path.join(dir, file), POD_UID, POD_UID);
  };
  const write = (file: string, text: string) => {
    fs.writeFileSync(path.join(dir, file), text);
    own(file);
  };
  write("nginx.conf", config.replace(/(?<=[\s"'])\/tmp\//g, `${dir}/`));
  for (const [file, text] of Object.entries(files)) write(file, text);
  write("nginx.err", "");
  // nginx reopens /dev/stdout for the access log: a FIFO it can open as the pod's uid.
  execFileSync("mkfifo", [path.join(dir, "stdout.fifo")]);
  own("stdout.fifo");
  if (asPodUser) fs.chownSync(dir, POD_UID, POD_UID);
  const logReader = new net.Socket({ fd: fs.openSync(path.join(dir, "stdout.fifo"), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK), readable: true, writable: false });
  logReader.on("error", () => undefined);
  logReader.resume();
  const out = fs.openSync(path.join(dir, "stdout.fifo"), "w");
  const err = fs.openSync(path.join(dir, "nginx.err"), "a");
  const child: ChildProcess = spawn(NGINX_BINARY, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"], {
    stdio: ["ignore", out, err],
    ...(asPodUser ? { uid: POD_UID, gid: POD_UID } : {}),
  });
  fs.closeSync(out);
  fs.closeSync(err);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      logReader.destroy();
      throw new Error(`${name} nginx did not start: ${fs.readFileSync(path.join(dir, "nginx.err"), "utf8").slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pid: child.pid!,
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exit;
        clearTimeout(timer);
      }
      logReader.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** One measured run of autocannon. */
interface LoadRun {
  /** Latency of each answered request, ms. */
  latencies: Float64Array;
  /** From the first request sent to the last answer. */
  seconds: number;
  /** Connection errors, timeouts, non-2xx answers, wrong bodies and requests never answered. */
  errors: number;
}

interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** `amount` POST relays over CONNECTIONS keep-alive connections, as fast as they are answered. */
async function load(url: string, amount: number, authorization?: string, connections = CONNECTIONS): Promise<LoadRun> {
  const latencies = new Float64Array(amount);
  let recorded = 0;
  const instance = autocannon({
    url,
    method: "POST",
    connections,
    amount,
    body: RELAY_BODY,
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    expectBody: UPSTREAM_RESULT,
    timeout: 10,
  });
  // autocannon's own duration counts whole 1 s ticks, too coarse for runs of a few seconds.
  let firstSent = Infinity;
  let lastAnswered = 0;
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    const now = performance.now();
    firstSent = Math.min(firstSent, now - responseTime);
    lastAnswered = now;
    if (recorded < latencies.length) latencies[recorded++] = responseTime;
  });
  const result = await instance;
  // Every request sent must be answered: one not answered counts as an error too.
  const unanswered = amount - recorded;
  return {
    latencies: latencies.subarray(0, recorded),
    seconds: (lastAnswered - firstSent) / 1000,
    errors: result.errors + result.timeouts + result.non2xx + result.mismatches + unanswered,
  };
}

/** Several runs as one: requests over total time, percentiles over all latencies. */
function combine(runs: LoadRun[]): LoadResult {
  const requests = runs.reduce((sum, r) => sum + r.latencies.length, 0);
  const all = new Float64Array(requests);
  let offset = 0;
  for (const run of runs) {
    all.set(run.latencies, offset);
    offset += run.latencies.length;
  }
  all.sort();
  return {
    requests,
    requestsPerSecond: requests / runs.reduce((sum, r) => sum + r.seconds, 0),
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    maxMs: all.length ? all[all.length - 1] : 0,
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

/**
 * CPU seconds used so far by a process and its children (nginx master and workers): the
 * scheduler's run time from /proc/<pid>/schedstat, in nanoseconds (stat's utime and stime count
 * 10 ms ticks, too coarse for rounds of a few hundred milliseconds).
 */
function cpuSeconds(masterPid: number): number {
  let nanoseconds = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The field after the parenthesised command name and the state is the ppid.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (Number(entry) === masterPid || ppid === masterPid) nanoseconds += Number(fs.readFileSync(`/proc/${entry}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The process ended while we looked.
    }
  }
  return nanoseconds / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** First quartile, median and third quartile. */
function quartiles(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  return [at(0.25), median(values), at(0.75)];
}

function describe(name: string, r: LoadResult): string {
  return `${name.padEnd(24)} ${r.requests} requests, ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, max ${r.maxMs.toFixed(1)} ms, errors ${r.errors}`;
}

async function main(): Promise<void> {
  if (!fs.existsSync(NGINX_BINARY)) throw new Error(`nginx is not installed (${NGINX_BINARY}): apt-get install -y $(cat .ci/apt-packages.txt)`);
  const upstreamPort = await freePort();
  const proxyPort = await freePort();
  const healthPort = await freePort();
  const barePort = await freePort();
  const spec = benchSpec(upstreamPort);
  const proxyConfig = renderNginxConfig(spec)
    .replace(/^http \{$/m, `http {\n    # bench only (autocannon ignores Connection: close)\n    ${BENCH_KEEPALIVE_REQUESTS}`)
    .replace(`listen ${spec.listenPort};`, `listen 127.0.0.1:${proxyPort};`)
    .replace(`listen ${spec.healthPort};`, `listen 127.0.0.1:${healthPort};`)
    .replace(`        ${spec.allowedSourceRanges[0]} 1;`, "        127.0.0.0/8 1;")
    .split(`include ${spec.credentialsDir}/`)
    .join("include /tmp/");
  const started: Nginx[] = [];
  try {
    const upstream = await startNginx("upstream", upstreamConfig(upstreamPort), upstreamPort);
    started.push(upstream);
    const proxy = await startNginx("proxy", proxyConfig, proxyPort, { ...renderCredentialChecks([{ username: USERNAME, password: PASSWORD }]), [RELAY_SCRIPT_FILE]: RELAY_SCRIPT });
    started.push(proxy);
    const bare = await startNginx("bare", bareProxyConfig(barePort, upstreamPort, spec.workerProcesses!), barePort);
    started.push(bare);
    const authorization = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString("base64")}`;
    const directUrl = `http://127.0.0.1:${upstreamPort}/`;
    const proxyUrl = `http://127.0.0.1:${proxyPort}/0020`;
    const bareUrl = `http://127.0.0.1:${barePort}/`;
    console.log(
      `blockchain proxy bench: ${REQUESTS} POST relays through the generated config and the bare proxy_pass each, in ${ROUNDS} alternating rounds of ` +
        `${CONNECTIONS} connections; ${LIGHT_REQUESTS} relays direct and proxied at ${LIGHT_CONNECTIONS} connections; ${spec.workerProcesses} nginx worker(s) per proxy; ` +
        `${os.cpus().length} CPUs, ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`,
    );
    // Warm every path (connections, upstream keepalive pools, CPU caches) before measuring.
    await load(directUrl, WARMUP_REQUESTS);
    await load(proxyUrl, WARMUP_REQUESTS, authorization);
    await load(bareUrl, WARMUP_REQUESTS);
    let errors = 0;
    // CPU per relay: alternating rounds spread any other load on the machine over both proxies alike.
    const proxiedRuns: LoadRun[] = [];
    const bareRuns: LoadRun[] = [];
    const perRound = Math.ceil(REQUESTS / ROUNDS);
    let proxyCpu = 0;
    let bareCpu = 0;
    const roundProxyUs: number[] = [];
    const roundBareUs: number[] = [];
    const roundRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const amount = Math.min(perRound, REQUESTS - round * perRound);
      const measure = async (nginx: Nginx, runs: LoadRun[], url: string, auth?: string): Promise<number> => {
        const before = cpuSeconds(nginx.pid);
        runs.push(await load(url, amount, auth));
        return cpuSeconds(nginx.pid) - before;
      };
      // Which proxy goes first alternates too, so a trend in the other load favours neither.
      let proxyRound: number;
      let bareRound: number;
      if (round % 2 === 0) {
        proxyRound = await measure(proxy, proxiedRuns, proxyUrl, authorization);
        bareRound = await measure(bare, bareRuns, bareUrl);
      } else {
        bareRound = await measure(bare, bareRuns, bareUrl);
        proxyRound = await measure(proxy, proxiedRuns, proxyUrl, authorization);
      }
      proxyCpu += proxyRound;
      bareCpu += bareRound;
      roundProxyUs.push((proxyRound / amount) * 1e6);
      roundBareUs.push((bareRound / amount) * 1e6);
      roundRatios.push(proxyRound / bareRound);
    }
    const proxied = combine(proxiedRuns);
    const bareResult = combine(bareRuns);
    errors += proxied.errors;
    console.log(describe("generated config", proxied));
    console.log(describe("bare proxy_pass", bareResult));
    // Latency at a light load: direct and through the generated config, alternating.
    const lightDirect: LoadRun[] = [];
    const lightProxied: LoadRun[] = [];
    for (let round = 0; round < LIGHT_ROUNDS; round++) {
      lightDirect.push(await load(directUrl, LIGHT_REQUESTS / LIGHT_ROUNDS, undefined, LIGHT_CONNECTIONS));
      lightProxied.push(await load(proxyUrl, LIGHT_REQUESTS / LIGHT_ROUNDS, authorization, LIGHT_CONNECTIONS));
    }
    const direct4 = combine(lightDirect);
    const proxied4 = combine(lightProxied);
    errors += proxied4.errors;
    console.log(describe(`direct, ${LIGHT_CONNECTIONS} connections`, direct4));
    console.log(describe(`proxied, ${LIGHT_CONNECTIONS} connections`, proxied4));
    if (direct4.errors) console.log(`direct runs had ${direct4.errors} errors (the upstream, not the proxy)`);
    const proxyUs = median(roundProxyUs);
    const bareUs = median(roundBareUs);
    console.log(
      `nginx CPU from /proc/<pid>/schedstat: generated ${proxyCpu.toFixed(2)} s over ${proxied.requests} relays, bare ${bareCpu.toFixed(2)} s over ${bareResult.requests} ` +
        `(whole-run ratio ${(proxyCpu / proxied.requests / (bareCpu / bareResult.requests)).toFixed(2)}; per-round ratios: ${ROUNDS} rounds, quartiles ${quartiles(roundRatios).map((r) => r.toFixed(2)).join(" / ")}, range ${Math.min(...roundRatios).toFixed(2)}-${Math.max(...roundRatios).toFixed(2)})`,
    );
    console.log(
      `proxy cpu/relay: ${proxyUs.toFixed(1)} us, bare proxy_pass: ${bareUs.toFixed(1)} us, ratio: ${median(roundRatios).toFixed(2)}, ` +
        `p99 added at ${LIGHT_CONNECTIONS} connections: ${(proxied4.p99Ms - direct4.p99Ms).toFixed(3)} ms, errors: ${errors}`,
    );
    for (const nginx of started.splice(0).reverse()) await nginx.stop();
    for (const line of await runAttacks({ startNginx, freePort })) console.log(line);
  } finally {
    for (const nginx of started.reverse()) await nginx.stop();
  }
}

if (require.main === module) main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
