/**
 * The attacks of the proxy's threat model, measured: the generated config with the prod stack's own
 * settings (the spec BlockchainProxy renders from Pulumi.prod.yaml, routes pointed at one counting
 * loopback node), one attack at a time, while other validators relay and the kubelet probes /healthz.
 * Loopback only; each attack bounded in connections and time. Run by bench/proxy.ts after its
 * no-attack figures.
 *
 * Line per attack: under attack (<attack>): valid relays N/M ok, healthz K/L ok, node calls C (bound B)
 * where B is what the config allows to reach the node: the valid relays' calls, plus for the batch
 * attack maxBatchCalls per request the attacker's rate limit admits (burst + 1 + rate x seconds).
 */
import * as http from "http";
import * as net from "net";
import { proxyNginxSpec } from "../components/blockchainProxy";
import { renderCredentialChecks } from "../components/credentialChecks";
import { renderNginxConfig } from "../components/nginxConfig";
import { jsonRpcCallsIn, RELAY_SCRIPT, RELAY_SCRIPT_FILE } from "../components/nginxConfigScript";
import { NginxConfigSpec } from "../components/nginxConfigSpec";
import { parseStackConfig, ProdConfig } from "../config";
import { readStackConfig } from "../offline/stackConfig";

const PASSWORD = "bench-attack-password-3e9a51c7";
/** The other validators: this many relays from this many addresses at once, during each attack. */
const VALID_RELAYS = 200;
const VALID_PARALLEL = 10;
const HEALTH_CHECKS = 50;
/** The flood of the review: ~1,300 connections that never finish their headers. */
const FLOOD_CONNECTIONS = 1300;
/** How long the batch attacker sends. */
const BATCH_ATTACK_SECONDS = 2;

interface NginxRunner {
  startNginx(name: string, config: string, port: number, files?: Record<string, string>): Promise<{ pid: number; stop(): Promise<void> }>;
  freePort(): Promise<number>;
}

/** A JSON-RPC node that counts the calls it receives (a batch's elements naming a method, or one). */
async function countingNode(port: number): Promise<{ calls: () => number; close(): Promise<void> }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      try {
        const parsed = JSON.parse(body);
        calls += jsonRpcCallsIn(parsed);
      } catch {
        calls += 1;
      }
      res.setHeader("Content-Type", "application/json");
      res.end('{"jsonrpc":"2.0","id":1,"result":"0x1"}');
    });
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return {
    calls: () => calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The prod stack's proxy settings, as BlockchainProxy renders them, with its nodes on loopback. */
function prodSpec(): { spec: NginxConfigSpec; proxy: NonNullable<ProdConfig["blockchainProxy"]> } {
  const raw = readStackConfig("prod");
  const config = parseStackConfig("prod", raw.values, raw.secretKeys) as ProdConfig;
  const proxy = config.blockchainProxy!;
  const spec = proxyNginxSpec({ proxy, blockchainNodes: config.blockchainNodes.map((n) => ({ name: n.name, namespace: "blockchain", port: 8545 })) });
  return { spec, proxy };
}

function post(port: number, path: string, body: string, localAddress: string, authorization: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method: "POST", localAddress, agent: false, timeout: 10000, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Authorization: authorization } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

function connect(port: number, localAddress: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    socket.once("connect", () => resolve(socket));
    socket.once("error", () => resolve(undefined));
  });
}

interface Victims {
  ok: number;
  relays: number;
  healthOk: number;
  health: number;
}

/** The other validators' relays (from 127.0.50.x) and the kubelet's /healthz, side by side. */
async function victims(proxyPort: number, healthPort: number, path: string, authorization: string): Promise<Victims> {
  const relayStatuses: number[] = [];
  const relays = (async () => {
    while (relayStatuses.length < VALID_RELAYS) {
      const round = await Promise.all(Array.from({ length: VALID_PARALLEL }, (_, i) => post(proxyPort, path, '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}', `127.0.50.${1 + i}`, authorization)));
      relayStatuses.push(...round);
    }
  })();
  const healthStatuses: number[] = [];
  const health = (async () => {
    while (healthStatuses.length < HEALTH_CHECKS) healthStatuses.push(await get(healthPort, "/healthz"));
  })();
  await Promise.all([relays, health]);
  return { ok: relayStatuses.filter((s) => s === 200).length, relays: relayStatuses.length, healthOk: healthStatuses.filter((s) => s === 200).length, health: healthStatuses.length };
}

/**
 * Opens `connections` connections from 13 addresses of 127.0.<subnet>.x, each sending half a request
 * head for `path`, reopening one when the proxy drops it (at most 3 x connections in all) until the
 * returned stop is called. Resolves once all are open.
 */
export async function startHeaderFlood(port: number, path: string, connections: number, subnet: number): Promise<() => void> {
  let active = true;
  let opened = 0;
  const sockets = new Set<net.Socket>();
  const open = async (i: number): Promise<void> => {
    if (!active || opened >= 3 * connections) return;
    opened++;
    const socket = await connect(port, `127.0.${subnet}.${1 + (i % 13)}`);
    if (!socket) return;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.once("close", () => {
      sockets.delete(socket);
      void open(i);
    });
    socket.write(`POST ${path} HTTP/1.1\r\nHost: proxy\r\n`);
  };
  await Promise.all(Array.from({ length: connections }, (_, i) => open(i)));
  return () => {
    active = false;
    sockets.forEach((s) => s.destroy());
  };
}

function head(path: string, headers: Record<string, string | number>): string {
  return `POST ${path} HTTP/1.1\r\n${Object.entries({ Host: "proxy", ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
}

/** Each attack, one line each. */
export async function runAttacks(nginx: NginxRunner): Promise<string[]> {
  const { spec, proxy } = prodSpec();
  const nodePort = await nginx.freePort();
  const proxyPort = await nginx.freePort();
  const healthPort = await nginx.freePort();
  const config = renderNginxConfig({ ...spec, configDir: "/tmp" })
    .replace(`listen ${spec.listenPort};`, `listen 127.0.0.1:${proxyPort};`)
    .replace(`listen ${spec.healthPort};`, `listen 127.0.0.1:${healthPort};`)
    .replace(/^(\s*server )\S+?:\d+( |;)/gm, `$1127.0.0.1:${nodePort}$2`)
    .replace(new RegExp(`^(\\s*)${spec.allowedSourceRanges[0].replace(/[./]/g, "\\$&")} 1;$`, "m"), "$1127.0.0.0/8 1;")
    .split(`include ${spec.credentialsDir}/`)
    .join("include /tmp/");
  const username = proxy.clients[0];
  const authorization = `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString("base64")}`;
  const path = `/${spec.routes[0].relayChainId}/`;
  const node = await countingNode(nodePort);
  const lines: string[] = [];
  const line = (attack: string, v: Victims, calls: number, bound: number) =>
    `under attack (${attack}): valid relays ${v.ok}/${v.relays} ok, healthz ${v.healthOk}/${v.health} ok, node calls ${calls} (bound ${bound})`;
  const files = { ...renderCredentialChecks(proxy.clients.map((client) => ({ username: client, password: PASSWORD }))), [RELAY_SCRIPT_FILE]: RELAY_SCRIPT };
  const run = async (attack: string, start: () => Promise<() => void | Promise<void>>, extraBound: () => number) => {
    const running = await nginx.startNginx("attack", config, proxyPort, files);
    try {
      const before = node.calls();
      const stop = await start();
      const v = await victims(proxyPort, healthPort, path, authorization);
      await stop();
      lines.push(line(attack, v, node.calls() - before, v.relays + extraBound()));
    } finally {
      await running.stop();
    }
  };

  // One authenticated client: the node's whole cap of connections, each dripping its body.
  await run(
    "slow bodies from one client",
    async () => {
      const sockets = (await Promise.all(Array.from({ length: proxy.maxConnectionsPerUpstream }, () => connect(proxyPort, "127.0.60.1")))).filter((s) => s !== undefined);
      const drips = sockets.map((socket) => {
        socket.on("error", () => undefined);
        socket.write(head(path, { "Content-Type": "application/json", "Content-Length": 1000, Authorization: authorization }) + "[");
        return setInterval(() => socket.write(" "), 1000);
      });
      return () => {
        drips.forEach(clearInterval);
        sockets.forEach((s) => s.destroy());
      };
    },
    () => 0,
  );

  // Connections without credentials that never finish their headers, reopened when dropped.
  await run(
    "unauthenticated flood",
    () => startHeaderFlood(proxyPort, path, FLOOD_CONNECTIONS, 61),
    () => 0,
  );

  // One authenticated client sending batches just over and at the call limit, as fast as answered.
  let attackSeconds = 0;
  await run(
    "oversized batches",
    async () => {
      const started = Date.now();
      const batch = (calls: number) => JSON.stringify(Array.from({ length: calls }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_getLogs", params: [{}] })));
      const bodies = [batch(proxy.maxBatchCalls + 1), batch(proxy.maxBatchCalls)];
      let active = true;
      let sent = 0;
      const senders = Array.from({ length: 4 }, async (_, i) => {
        while (active && Date.now() - started < BATCH_ATTACK_SECONDS * 1000 && sent < 5000) {
          sent++;
          await post(proxyPort, path, bodies[(sent + i) % 2], "127.0.62.1", authorization);
        }
      });
      return async () => {
        active = false;
        await Promise.all(senders);
        attackSeconds = (Date.now() - started) / 1000;
      };
    },
    () => (proxy.rateLimit.burst + 1 + Math.ceil(proxy.rateLimit.requestsPerSecond * attackSeconds)) * proxy.maxBatchCalls,
  );
  await node.close();
  return lines;
}
