/**
 * Authentication before any shared limit, and the order of the proxy's answers as
 * components/nginxConfig.ts documents it, on the real nginx with the prod stack's generated config:
 * the attacks of issue 10 (slot holding by clients without credentials, wrong credentials spending
 * a valid client's rate allowance, probing which relay chain IDs exist) and each pair of answers
 * whose order matters, plus nginx's own answers to malformed requests as JSON-RPC errors.
 */
import * as net from "net";
import { nginxSizeBytes } from "../../validation/proxyLimits";
import { PROXY_ERRORS } from "../../components/nginxConfig";
import {
  expectJsonRpcError,
  expectRawJsonRpcError,
  pocketRelay,
  ProxyStackFiles,
  proxyStackFiles,
  rawHttp,
  RelayResponse,
  RunningProxy,
  ScriptedUpstream,
  until,
  startProxy,
  startScriptedUpstream,
  stopAllProxies,
  TEST_PROXY_PASSWORD,
  upstreamAddresses,
} from "./proxyHarness";

/** The allowed loopback range of these proxies; 127.1.0.1 is the outsider. */
const ALLOWED = "127.0.0.0/16";
const OUTSIDER = "127.1.0.1";

const upstreams: ScriptedUpstream[] = [];

/** A counting JSON-RPC node per prod node of the config; `slowNode` gets one that holds each request. */
async function startWithNodes(files: ProxyStackFiles, slow?: { node: string; delayMs: number }) {
  const nodes = new Map<string, ScriptedUpstream>();
  let chainId = 1;
  for (const address of upstreamAddresses(files.nginxConf).values()) {
    const node = address.split(".")[0];
    const upstream = await startScriptedUpstream({ chainId: chainId++, delayMs: node === slow?.node ? slow.delayMs : 0 });
    upstreams.push(upstream);
    nodes.set(node, upstream);
  }
  const proxy = await startProxy(files, (address) => nodes.get(address.split(".")[0])!.address);
  return { proxy, nodes };
}

afterAll(async () => {
  await stopAllProxies();
  await Promise.all(upstreams.map((u) => u.close()));
});

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** A request head as text, for the raw-socket cases. */
function head(method: string, path: string, headers: Record<string, string | number>): string {
  return `${method} ${path} HTTP/1.1\r\n${Object.entries({ Host: "proxy", ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
}

describe("with the prod stack's limits", () => {
  let files: ProxyStackFiles;
  let proxy: RunningProxy;
  let nodes: Map<string, ScriptedUpstream>;

  beforeAll(async () => {
    files = await proxyStackFiles({ allowedSourceRanges: [ALLOWED] });
    ({ proxy, nodes } = await startWithNodes(files));
  }, 60000);

  test("dozens of connections without valid credentials that announce a large body and drip it hold no upstream slot: valid relays keep getting 200", async () => {
    const cap = files.proxyConfig.maxConnectionsPerUpstream;
    const route = files.proxyConfig.routes[0];
    const chain = proxy.chain(route.relayChainId);
    const node = nodes.get(route.blockchainNode)!;
    const username = chain.basic_auth!.username;
    // Three times the cap, half without credentials and half with a wrong password, each announcing
    // a body just under the limit and sending a byte every 200 ms.
    const attackers = Array.from({ length: cap * 3 }, (_, i) => {
      const socket = net.connect({ host: "127.0.0.1", port: Number(new URL(proxy.origin).port), localAddress: `127.0.1.${1 + i}` });
      let answer = "";
      socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
      socket.on("error", () => undefined);
      const auth: Record<string, string> = i % 2 === 0 ? {} : { Authorization: basic(username, `${TEST_PROXY_PASSWORD}-wrong`) };
      socket.write(head("POST", `/${route.relayChainId}/`, { "Content-Type": "application/json", "Content-Length": nginxSizeBytes(files.proxyConfig.maxBodySize)! - 1, ...auth }));
      const drip = setInterval(() => socket.write("x"), 200);
      return { socket, drip, answer: () => answer };
    });
    try {
      // Every attacker has its answer (401) and keeps dripping.
      await until(() => attackers.every((a) => a.answer().includes("\r\n")));
      const requestsBefore = node.stats.requests;
      // Valid relays while the attack goes on: eight at a time, 48 in all.
      const responses: RelayResponse[] = [];
      for (let round = 0; round < 6; round++) {
        responses.push(...(await Promise.all(Array.from({ length: 8 }, (_, i) => pocketRelay(chain, { localAddress: `127.0.2.${1 + i}` })))));
      }
      expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
      // Only the valid relays reached the node.
      expect(node.stats.requests - requestsBefore).toBe(responses.length);
      // Every attacker got its 401 while still connected and dripping.
      expect(attackers.every((a) => !a.socket.destroyed)).toBe(true);
      expect(attackers.map((a) => a.answer().split("\r\n")[0])).toEqual(attackers.map(() => "HTTP/1.1 401 Unauthorized"));
    } finally {
      for (const a of attackers) {
        clearInterval(a.drip);
        a.socket.destroy();
      }
    }
  }, 30000);

  test("wrong-credential requests do not spend the valid client's rate allowance (same address, same username)", async () => {
    const { burst } = files.proxyConfig.rateLimit;
    const chain = proxy.chain(files.proxyConfig.routes[1].relayChainId);
    const address = "127.0.3.1";
    const wrong = { username: chain.basic_auth!.username, password: `${TEST_PROXY_PASSWORD}-wrong` };
    // More wrong-credential requests than the whole burst, as fast as they are answered.
    const refused: RelayResponse[] = [];
    const agent = new (require("http").Agent)({ keepAlive: true, maxSockets: 8 });
    try {
      for (let i = 0; i < (burst + 1) * 2; i += 8) {
        refused.push(...(await Promise.all(Array.from({ length: 8 }, () => pocketRelay(chain, { localAddress: address, credentials: wrong, agent })))));
      }
      expect(new Set(refused.map((r) => r.status))).toEqual(new Set([401]));
      // Right after: the valid client from that address gets its whole burst (plus the first request).
      const valid = await Promise.all(Array.from({ length: burst + 1 }, () => pocketRelay(chain, { localAddress: address, agent })));
      expect(valid.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    } finally {
      agent.destroy();
    }
  }, 30000);

  test("a client without valid credentials gets the same 401 for every path: it learns nothing about which relay chain IDs exist", async () => {
    const chain = proxy.chains[0];
    const paths = [`/${files.proxyConfig.routes[0].relayChainId}`, `/${files.proxyConfig.routes[0].relayChainId}/x`, "/0bad", "/", "/healthz", "/etc/passwd", "/proxy-error//400", "/proxy-error/414"];
    const wrong = { username: chain.basic_auth!.username, password: `${TEST_PROXY_PASSWORD}-wrong` };
    const answers = [];
    for (const path of paths) {
      for (const credentials of [null, wrong]) {
        const response = await pocketRelay({ ...chain, url: `${proxy.origin}${path}` }, { credentials });
        expectJsonRpcError(response, 401);
        answers.push({ body: response.body, challenge: response.headers["www-authenticate"], length: response.headers["content-length"] });
      }
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    // With valid credentials the unknown one is a 404 (so the 401s above hid it).
    expectJsonRpcError(await pocketRelay({ ...chain, url: `${proxy.origin}/0bad` }), 404);
  });

  test.each<[string, number, string]>([
    ["an HTTP/1.1 request without Host", 400, "GET / HTTP/1.1\r\n\r\n"],
    ["a request line that is not HTTP", 400, "HELLO\r\n\r\n"],
    ["TRACE", 405, head("TRACE", "/", { Connection: "close" })],
    ["a URI longer than the header buffers", 414, head("POST", `/0020/${"a".repeat(9000)}`, {})],
    ["a header longer than the header buffers", 431, head("POST", "/0020", { "X-Padding": "a".repeat(9000) })],
    ["an unknown Transfer-Encoding", 501, head("POST", "/0020", { "Transfer-Encoding": "gzip" })],
  ])("nginx's own answer to %s is a JSON-RPC error (%d), from an allowed source or not", async (_what, status, request) => {
    for (const localAddress of ["127.0.5.1", OUTSIDER]) {
      const response = await rawHttp(proxy.origin, request, { localAddress });
      expectRawJsonRpcError(response, status);
      expect(response.json.error.message).toBe(PROXY_ERRORS[status].message);
    }
  });
});

describe("the order of answers, each pair on the real nginx", () => {
  const SLOW_MS = 3000;
  let files: ProxyStackFiles;
  let proxy: RunningProxy;
  let relayPath: string;
  let authorization: string;
  let slowNode: () => ScriptedUpstream;

  beforeAll(async () => {
    // A cap of 2 and one request a second without burst, so both limits are easy to reach.
    files = await proxyStackFiles({
      allowedSourceRanges: [ALLOWED],
      maxConnectionsPerUpstream: 2,
      maxConnectionsPerClient: 1,
      keepaliveConnections: 1,
      rateLimit: { requestsPerSecond: 1, burst: 0 },
    });
    const route = files.proxyConfig.routes[0];
    let orderNodes: Map<string, ScriptedUpstream>;
    ({ proxy, nodes: orderNodes } = await startWithNodes(files, { node: route.blockchainNode, delayMs: SLOW_MS }));
    slowNode = () => orderNodes.get(route.blockchainNode)!;
    relayPath = `/${route.relayChainId}/`;
    const chain = proxy.chain(route.relayChainId);
    authorization = basic(chain.basic_auth!.username, chain.basic_auth!.password);
  }, 60000);

  const post = (headers: Record<string, string | number>, body = "") => head("POST", relayPath, { "Content-Type": "application/json", ...headers }) + body;
  /** A chunked body whose first chunk announces more than the 1m limit. */
  const oversizedChunk = `${(1024 * 1024 + 1).toString(16)}\r\n{"jsonrpc":"2.0"`;

  test("403 > 413 > 401 > 404 > 429 > 503 > 413 (chunked, while read)", async () => {
    const chain = proxy.chain(files.proxyConfig.routes[0].relayChainId);
    const big = 2 * 1024 * 1024;
    // 403 before everything: an outsider without credentials announcing a huge body to an unknown path.
    expectRawJsonRpcError(await rawHttp(proxy.origin, head("POST", "/0bad", { "Content-Length": big }), { localAddress: OUTSIDER }), 403);
    // 413 (announced Content-Length) before 401: checked when the location is found, the same for every path.
    expectRawJsonRpcError(await rawHttp(proxy.origin, head("POST", "/0bad", { "Content-Length": big }), { localAddress: "127.0.4.1" }), 413);

    // Fill the node's cap of 2 with slow relays from two other addresses.
    const holding = [pocketRelay(chain, { localAddress: "127.0.4.2" }), pocketRelay(chain, { localAddress: "127.0.4.3" })];
    await slowNode().when((stats) => stats.inFlight >= 2);
    // 503: cap full (this client's first request passes its rate limit).
    expectJsonRpcError(await pocketRelay(chain, { localAddress: "127.0.4.4" }), 503);
    // 429 before 503: the second request within the second is refused by limit_req, which runs first.
    expectJsonRpcError(await pocketRelay(chain, { localAddress: "127.0.4.4" }), 429);
    // 401 before 429 and 503: without credentials that client is refused by auth, not by a limit.
    expectJsonRpcError(await pocketRelay(chain, { localAddress: "127.0.4.4", credentials: null }), 401);
    // 404 before 429: an unknown chain ID from the limited client is a 404.
    expectJsonRpcError(await pocketRelay({ ...chain, url: `${proxy.origin}/0bad` }, { localAddress: "127.0.4.4" }), 404);
    // 503 before the chunked body's 413: the cap is checked before the body is read.
    expectRawJsonRpcError(await rawHttp(proxy.origin, post({ Authorization: authorization, "Transfer-Encoding": "chunked" }, oversizedChunk), { localAddress: "127.0.4.5" }), 503);

    const held = await Promise.all(holding);
    expect(held.map((r) => r.status)).toEqual([200, 200]);
    // With the cap free, the oversized chunked body gets 413 while it is read.
    expectRawJsonRpcError(await rawHttp(proxy.origin, post({ Authorization: authorization, "Transfer-Encoding": "chunked" }, oversizedChunk), { localAddress: "127.0.4.6" }), 413);
  }, 30000);
});
