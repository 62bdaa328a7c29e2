/**
 * How the proxy talks to prod's nodes: what a node receives (path, HTTP/1.1, no proxy credentials),
 * upstream connections kept alive across relays, and a configuration reload under load that fails
 * no relay.
 */
import * as http from "http";
import {
  pocketRelay,
  postJson,
  ProxyStackFiles,
  proxyStackFiles,
  RelayResponse,
  RunningProxy,
  ScriptedUpstream,
  until,
  startProxy,
  startScriptedUpstream,
  stopAllProxies,
  upstreamAddresses,
} from "./proxyHarness";

let files: ProxyStackFiles;
/** One counting node per upstream address of the config. */
const countingNodes = new Map<string, ScriptedUpstream>();

beforeAll(async () => {
  files = await proxyStackFiles({ allowedSourceRanges: ["127.0.0.0/8"] });
  let chainId = 1;
  for (const address of upstreamAddresses(files.nginxConf).values()) {
    countingNodes.set(address, await startScriptedUpstream({ chainId: chainId++ }));
  }
}, 60000);

afterAll(async () => {
  await stopAllProxies();
  await Promise.all([...countingNodes.values()].map((n) => n.close()));
});

function startCountingProxy(): Promise<RunningProxy> {
  return startProxy(files, (address) => countingNodes.get(address)!.address);
}

/** The counting node behind a relay chain ID. */
function nodeOfRoute(relayChainId: string): { upstreamAddress: string; node: ScriptedUpstream } {
  const route = files.proxyConfig.routes.find((r) => r.relayChainId === relayChainId)!;
  const upstreamAddress = [...countingNodes.keys()].find((a) => a.split(".")[0] === route.blockchainNode)!;
  return { upstreamAddress, node: countingNodes.get(upstreamAddress)! };
}

test("the node gets the relay at / or /<path> (pocket-core's url + '/' + path), over HTTP/1.1, without the proxy's credentials", async () => {
  const proxy = await startCountingProxy();
  try {
    const chain = proxy.chains[0];
    const { upstreamAddress, node } = nodeOfRoute(chain.id);
    const seenBefore = node.stats.urls.length;
    const answers = [
      await pocketRelay(chain, { path: "" }),
      await postJson(chain.url.replace(/\/+$/, ""), { credentials: chain.basic_auth }),
      await pocketRelay(chain, { path: "v1/status?verbose=1" }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(node.stats.urls.slice(seenBefore)).toEqual(["/", "/", "/v1/status?verbose=1"]);
    for (const [i, headers] of node.stats.requestHeaders.slice(seenBefore).entries()) {
      expect({
        httpVersion: node.stats.httpVersions[seenBefore + i],
        connection: headers.connection,
        authorization: headers.authorization,
        host: headers.host,
      }).toEqual({ httpVersion: "1.1", connection: undefined, authorization: undefined, host: upstreamAddress });
    }
  } finally {
    await proxy.stop();
  }
});

test("upstream connections are kept alive: many sequential relays share a few connections", async () => {
  const proxy = await startCountingProxy();
  try {
    const chain = proxy.chains[0];
    const { node } = nodeOfRoute(chain.id);
    const [requestsBefore, connectionsBefore] = [node.stats.requests, node.stats.connections];
    const relays = 300;
    // A new client connection per relay, each from its own address as from many validators (and
    // within every client's rate limit): only the upstream side can pool.
    for (let i = 0; i < relays; i++) {
      const response = await pocketRelay(chain, { localAddress: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` });
      expect(response.status).toBe(200);
    }
    expect(node.stats.requests - requestsBefore).toBe(relays);
    // At most one pooled connection per nginx worker is needed for one request at a time.
    const workers = proxy.workerPids().length;
    expect(workers).toBeGreaterThan(0);
    expect(node.stats.connections - connectionsBefore).toBeLessThanOrEqual(workers);
  } finally {
    await proxy.stop();
  }
});

test("a configuration reload (SIGHUP) under load completes with zero failed relays, none lost or sent twice", async () => {
  // The limiter is proven elsewhere; here the load must not be rate limited.
  const unlimited = { allowedSourceRanges: ["127.0.0.0/8"], rateLimit: { requestsPerSecond: 100000, burst: 100000 } };
  const loadFiles = await proxyStackFiles(unlimited);
  // A changed config to reload into: same routes, a smaller keepalive pool (the pool may not exceed the cap).
  const changedFiles = await proxyStackFiles({ ...unlimited, keepaliveConnections: files.proxyConfig.keepaliveConnections - 1 });
  expect(changedFiles.nginxConf).not.toBe(loadFiles.nginxConf);
  // Fresh counting nodes: every relay answered must have reached a node exactly once.
  const reloadNodes = new Map<string, ScriptedUpstream>();
  let chainId = 11;
  for (const address of upstreamAddresses(loadFiles.nginxConf).values()) {
    reloadNodes.set(address, await startScriptedUpstream({ chainId: chainId++, delayMs: 2 }));
  }
  const proxy = await startProxy(loadFiles, (address) => reloadNodes.get(address)!.address);
  const changedConfig = proxy.loopbackConfig(changedFiles.nginxConf);
  try {
    // Half the clients keep connections alive as pocket-core's Go client does (retrying only a
    // relay whose idle connection the old worker closed before reading it: HTTP/1.1's idle-close
    // race); half open a connection per relay.
    const clients = Array.from({ length: 8 }, (_, i) => ({
      chain: proxy.chains[i % proxy.chains.length],
      localAddress: `127.0.0.${10 + i}`,
      agent: i % 2 === 0 ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : undefined,
    }));
    const answered: RelayResponse[] = [];
    const failures: string[] = [];
    let stop = false;
    const maxRelays = 20000;
    const load = Promise.all(
      clients.map(async ({ chain, localAddress, agent }) => {
        while (!stop && answered.length + failures.length < maxRelays) {
          try {
            const response = await pocketRelay(chain, { agent, localAddress, timeoutMs: 10000, retryIdleConnectionClose: agent !== undefined });
            if (response.status === 200 && typeof response.json?.result === "string") answered.push(response);
            else failures.push(`${response.status} ${response.body.slice(0, 200)}`);
          } catch (err) {
            failures.push(String(err));
          }
        }
      }),
    );
    // The load flows before the first reload: wait for its first answers.
    await until(() => answered.length >= 50 || failures.length > 0);
    const generations: number[][] = [proxy.workerPids()];
    for (const [i, config] of [changedConfig, proxy.config, changedConfig].entries()) {
      proxy.reload(config);
      // Wait until new workers run and the old ones have left (bounded: a reload that never replaces them fails here).
      await until(
        () => {
          const pids = proxy.workerPids();
          return pids.length === generations[0].length && pids.every((pid) => !generations[i].includes(pid));
        },
        10000,
        `reload ${i + 1}: ${generations[0].length} new workers replacing ${JSON.stringify(generations[i])}`,
      );
      generations.push(proxy.workerPids());
      // Relays flow through the new workers before the next reload.
      const answeredBefore = answered.length;
      await until(() => answered.length >= answeredBefore + 50 || failures.length > 0);
    }
    stop = true;
    await load;
    clients.forEach(({ agent }) => agent?.destroy());
    // Every reload replaced all workers (so it did happen), and the load kept flowing throughout.
    for (let i = 1; i < generations.length; i++) {
      expect(generations[i].filter((pid) => generations[i - 1].includes(pid))).toEqual([]);
    }
    expect(answered.length).toBeGreaterThan(200);
    expect(failures).toEqual([]);
    // No relay was lost or executed twice: the nodes saw exactly the relays answered.
    const nodeRequests = [...reloadNodes.values()].reduce((sum, node) => sum + node.stats.requests, 0);
    expect(nodeRequests).toBe(answered.length);
    expect(proxy.output()).not.toMatch(/\[(emerg|alert|crit)\]/);
    if (process.env.PROXY_TEST_VERBOSE) {
      console.log(`reload under load: ${answered.length} relays, ${answered.filter((r) => r.retriedIdleConnectionClose).length} idle-close retries`);
    }
  } finally {
    await proxy.stop();
    await Promise.all([...reloadNodes.values()].map((n) => n.close()));
  }
}, 60000);
