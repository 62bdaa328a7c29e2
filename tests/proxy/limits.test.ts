/**
 * The limits that keep testnet traffic from starving prod's relays: a per client and route rate
 * limit (429) that does not slow anyone else, and a cap on concurrent requests to each prod node
 * (503 beyond it) whatever testnet sends. The numbers are the prod stack's own.
 */
import { Worker } from "worker_threads";
import {
  ChainsJsonEntry,
  expectJsonRpcError,
  pocketRelay,
  ProxyStackFiles,
  proxyStackFiles,
  RelayResponse,
  RunningProxy,
  ScriptedUpstream,
  sleep,
  startProxy,
  startScriptedUpstream,
  stopAllProxies,
  upstreamAddresses,
} from "./proxyHarness";

/** How long the capped node holds each request: long enough for every parallel request to arrive. */
const SLOW_NODE_DELAY_MS = 800;

let files: ProxyStackFiles;
let proxy: RunningProxy;
/** One counting node per prod node of the config, by node name. */
const nodes = new Map<string, ScriptedUpstream>();
let firstRoute: { relayChainId: string; blockchainNode: string };
let otherNodeRoute: { relayChainId: string; blockchainNode: string };

beforeAll(async () => {
  // Loopback as the allowed range, so many distinct client addresses (127.0.x.y) can be used.
  files = await proxyStackFiles({ allowedSourceRanges: ["127.0.0.0/8"] });
  const nodeOfAddress = new Map<string, string>();
  let chainId = 1;
  for (const address of upstreamAddresses(files.nginxConf).values()) {
    const node = address.split(".")[0];
    nodes.set(node, await startScriptedUpstream({ chainId: chainId++ }));
    nodeOfAddress.set(address, node);
  }
  firstRoute = files.proxyConfig.routes[0];
  const other = files.proxyConfig.routes.find((r) => r.blockchainNode !== firstRoute.blockchainNode);
  if (!other) throw new Error("these tests need routes to two different prod nodes");
  otherNodeRoute = other;
  proxy = await startProxy(files, (address) => nodes.get(nodeOfAddress.get(address)!)!.address);
}, 60000);

afterAll(async () => {
  await stopAllProxies();
  await Promise.all([...nodes.values()].map((n) => n.close()));
});

/** Sends relays at about `perSecond` from one client until `stop()` resolves; returns every response. */
function steadyClient(relay: () => Promise<RelayResponse>, perSecond: number, maxRequests: number) {
  const responses: RelayResponse[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped && responses.length < maxRequests) {
      const started = Date.now();
      responses.push(await relay());
      await sleep(Math.max(0, 1000 / perSecond - (Date.now() - started)));
    }
  })();
  return {
    responses,
    stop: async () => {
      stopped = true;
      await done;
      return responses;
    },
  };
}

/** "Basic ..." for a chains.json entry's credentials. */
function basicAuthorization(chain: ChainsJsonEntry): string {
  return `Basic ${Buffer.from(`${chain.basic_auth!.username}:${chain.basic_auth!.password}`).toString("base64")}`;
}

interface FloodResult {
  requests: number;
  statuses: Record<number, number>;
  errors: number;
  seconds: number;
  /** The first 429 answer. */
  limitedSample?: { contentType: string; body: string };
}

/** Worker thread body: POSTs eth_chainId over keep-alive connections as fast as answers come back. */
const FLOOD_WORKER = `
const http = require("http");
const { parentPort, workerData: o } = require("worker_threads");
const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections, localAddress: o.localAddress });
const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
const result = { requests: 0, statuses: {}, errors: 0, seconds: 0 };
const started = Date.now();
const deadline = started + o.seconds * 1000;
function one() {
  return new Promise((resolve) => {
    const req = http.request(o.url, { method: "POST", agent, headers: { "Content-Type": "application/json", "Content-Length": body.length, Authorization: o.authorization } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => { if (res.statusCode === 429 && !result.limitedSample) text += chunk; });
      res.on("end", () => {
        if (res.statusCode === 429 && !result.limitedSample) result.limitedSample = { contentType: res.headers["content-type"], body: text }; result.statuses[res.statusCode] = (result.statuses[res.statusCode] || 0) + 1; resolve(); });
    });
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
    req.on("error", () => { result.errors++; resolve(); });
    req.end(body);
  });
}
Promise.all(Array.from({ length: o.connections }, async () => {
  while (Date.now() < deadline && result.requests < o.maxRequests) { result.requests++; await one(); }
})).then(() => { result.seconds = (Date.now() - started) / 1000; agent.destroy(); parentPort.postMessage(result); });
`;

function floodInWorker(options: { url: string; authorization: string; localAddress: string; connections: number; seconds: number; maxRequests: number }): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(FLOOD_WORKER, { eval: true, workerData: options });
    worker.once("message", (result: FloodResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

test("a client over its rate limit gets 429 (JSON-RPC error), while another client and another route are not limited", async () => {
  const { requestsPerSecond, burst } = files.proxyConfig.rateLimit;
  const floodedChain = proxy.chain(firstRoute.relayChainId);
  const otherRouteChain = proxy.chain(otherNodeRoute.relayChainId);
  const floodClient = "127.0.0.1";
  const otherClient = "127.0.0.3";
  // A steady pace well under the limit for the bystanders (their latency under a flood is a bench
  // figure: npm run bench:proxy, not a timed assertion here).
  const bystanderRate = Math.max(1, Math.min(10, Math.floor(requestsPerSecond / 5)));

  const sameRouteOtherClient = steadyClient(() => pocketRelay(floodedChain, { localAddress: otherClient }), bystanderRate, 1000);
  const otherRouteSameClient = steadyClient(() => pocketRelay(otherRouteChain, { localAddress: floodClient }), bystanderRate, 1000);

  // The flood runs in its own thread: keep-alive connections from one address on one route, as many
  // as its connection share (more would get 503 from the share), bounded in time and count.
  const flood = await floodInWorker({
    url: `${floodedChain.url}/`,
    authorization: basicAuthorization(floodedChain),
    localAddress: floodClient,
    connections: files.proxyConfig.maxConnectionsPerClient,
    seconds: 3,
    maxRequests: 50000,
  });
  const floodSeconds = flood.seconds;
  const sameRoute = await sameRouteOtherClient.stop();
  const otherRoute = await otherRouteSameClient.stop();

  const admitted = flood.statuses[200] ?? 0;
  const limited = flood.statuses[429] ?? 0;
  expect({ errors: flood.errors, otherStatuses: flood.requests - admitted - limited }).toEqual({ errors: 0, otherStatuses: 0 });
  expect(limited).toBeGreaterThan(0);
  const sample = flood.limitedSample!;
  expectJsonRpcError({ status: 429, headers: { "content-type": sample.contentType }, body: sample.body, json: JSON.parse(sample.body), elapsedMs: 0 }, 429);
  // nodelay: the burst goes through at once, then about the configured rate.
  expect(admitted).toBeGreaterThanOrEqual(burst + 1);
  expect(admitted).toBeLessThanOrEqual(burst + 1 + Math.ceil(requestsPerSecond * floodSeconds) + 1);

  // The bystanders: every relay answered, none limited.
  for (const responses of [sameRoute, otherRoute]) {
    expect(responses.length).toBeGreaterThan(0);
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
  }
}, 30000);

test("concurrent requests to a prod node never exceed the configured cap, from however many clients", async () => {
  const cap = files.proxyConfig.maxConnectionsPerUpstream;
  const otherNode = nodes.get(otherNodeRoute.blockchainNode)!;
  // The slow node holds every request, so all parallel requests overlap.
  const slowCappedNode = await startScriptedUpstream({ chainId: 99, delayMs: SLOW_NODE_DELAY_MS });
  const nodeOfAddress = new Map([...upstreamAddresses(files.nginxConf).values()].map((a) => [a, a.split(".")[0]]));
  // A proxy of its own, whose first node is the slow one (same generated config, other upstream address).
  const cappedProxy = await startProxy(files, (address) =>
    nodeOfAddress.get(address) === firstRoute.blockchainNode ? slowCappedNode.address : nodes.get(nodeOfAddress.get(address)!)!.address,
  );
  try {
    // Many more parallel requests than the cap, each from its own address so no rate limit applies.
    const parallel = Math.min(400, Math.max(50, cap * 4));
    const sources = Array.from({ length: parallel }, (_, i) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`);
    const pending = sources.map((localAddress) => pocketRelay(cappedProxy.chain(firstRoute.relayChainId), { localAddress, timeoutMs: 15000 }));
    // While the capped node is saturated (the cap's requests have arrived), a relay to another node goes through.
    await slowCappedNode.when((stats) => stats.inFlight >= cap);
    const otherRequestsBefore = otherNode.stats.requests;
    const other = await pocketRelay(cappedProxy.chain(otherNodeRoute.relayChainId));
    expect(other.status).toBe(200);
    expect(otherNode.stats.requests).toBe(otherRequestsBefore + 1);

    const responses = await Promise.all(pending);
    const served = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 503);
    expect(served.length + refused.length).toBe(parallel);
    // The node saw exactly the cap at once: reached, never exceeded.
    expect(slowCappedNode.stats.maxInFlight).toBe(cap);
    expect(served.length).toBeGreaterThanOrEqual(cap);
    expect(refused.length).toBeGreaterThan(0);
    expectJsonRpcError(refused[0], 503);
  } finally {
    await cappedProxy.stop();
    await slowCappedNode.close();
  }
}, 30000);

test("two clients with different credentials from one address each keep their own rate allowance", async () => {
  // Issue 23: dropping the client name from limit_req's key survived every other test.
  const second = "second-validator";
  const twoClients = await proxyStackFiles({ allowedSourceRanges: ["127.0.0.0/8"], clients: [...files.proxyConfig.clients, second] });
  const { burst } = twoClients.proxyConfig.rateLimit;
  const ownProxy = await startProxy(twoClients, (address) => nodes.get(address.split(".")[0])!.address);
  try {
    const chain = ownProxy.chain(firstRoute.relayChainId);
    const other = { username: second, password: chain.basic_auth!.password };
    const address = "127.0.7.1";
    // Relays from the address in groups of its connection share (more at once would get 503).
    const share = twoClients.proxyConfig.maxConnectionsPerClient;
    const group = (credentials?: { username: string; password: string }, size = share) =>
      Promise.all(Array.from({ length: size }, () => pocketRelay(chain, { localAddress: address, ...(credentials ? { credentials } : {}) })));
    // The first client spends its allowance until it is limited (its burst, and what refills meanwhile).
    const bound = burst + 1 + twoClients.proxyConfig.rateLimit.requestsPerSecond * 10;
    const firstStatuses: number[] = [];
    while (!firstStatuses.includes(429) && firstStatuses.length < bound) firstStatuses.push(...(await group()).map((r) => r.status));
    expect(firstStatuses).toContain(429);
    expect(firstStatuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // The second client, same address, same route, right after: exactly its own burst + 1, none
    // limited. Not one more: whole groups overshoot (104 for a burst of 100 in groups of 8), and a
    // fast machine sends them before the rate refills the difference (3 requests at 50/s: 60 ms).
    const secondStatuses: number[] = [];
    while (secondStatuses.length < burst + 1) secondStatuses.push(...(await group(other, Math.min(share, burst + 1 - secondStatuses.length))).map((r) => r.status));
    expect(secondStatuses).toHaveLength(burst + 1);
    expect(secondStatuses.filter((s) => s !== 200)).toEqual([]);
  } finally {
    await ownProxy.stop();
  }
}, 30000);
