/**
 * The proxy's routing and access control, on the real nginx with the prod stack's generated config,
 * in front of one ganache per prod blockchain node: each relay chain ID reaches its own node, an
 * unknown one gets a JSON 404, and credentials, source ranges and body size are enforced.
 */
import { FetchRequest, JsonRpcProvider } from "ethers";
import {
  ChainsJsonEntry,
  expectJsonRpcError,
  pocketRelay,
  ProxyStackFiles,
  proxyStackFiles,
  rpcBody,
  RunningProxy,
  startGanache,
  startProxy,
  stopAllProxies,
  TEST_PROXY_PASSWORD,
  Upstream,
  upstreamAddresses,
} from "./proxyHarness";

/** Each prod node's stand-in runs its real network's chain id, so a reply says which network answered. */
const NETWORK_CHAIN_IDS: Record<string, number> = { "geth-mainnet": 1, "geth-ropsten": 3, "geth-rinkeby": 4, "geth-goerli": 5, "poa-kovan": 42, "poa-xdai": 100 };

/** Only 127.0.0.1 may use the proxy here; 127.0.0.2 is the outsider. */
const ALLOWED_CLIENT = "127.0.0.1";
const OUTSIDE_CLIENT = "127.0.0.2";

let files: ProxyStackFiles;
let proxy: RunningProxy;
const nodes = new Map<string, { chainId: number; upstream: Upstream }>();

function chainIdOfNode(node: string): number {
  const entry = nodes.get(node);
  if (!entry) throw new Error(`no stand-in node for ${node}`);
  return entry.chainId;
}

beforeAll(async () => {
  files = await proxyStackFiles({ allowedSourceRanges: [`${ALLOWED_CLIENT}/32`] });
  // One ganache per upstream the config names, keyed by the node name (first DNS label of its address).
  let otherChainId = 1000;
  const addressToNode = new Map<string, string>();
  for (const address of upstreamAddresses(files.nginxConf).values()) {
    const node = address.split(".")[0];
    const chainId = NETWORK_CHAIN_IDS[node] ?? otherChainId++;
    nodes.set(node, { chainId, upstream: await startGanache(chainId) });
    addressToNode.set(address, node);
  }
  proxy = await startProxy(files, (address) => nodes.get(addressToNode.get(address)!)!.upstream.address);
}, 60000);

afterAll(async () => {
  await stopAllProxies();
  await Promise.all([...nodes.values()].map((n) => n.upstream.close()));
});

test("every relay chain ID of the validators' chains.json reaches its own prod node (eth_chainId differs per route)", async () => {
  const routes = files.proxyConfig.routes;
  expect(proxy.chains.map((c) => c.id).sort()).toEqual(routes.map((r) => r.relayChainId).sort());
  const answered = new Set<string>();
  for (const route of routes) {
    const response = await pocketRelay(proxy.chain(route.relayChainId), { body: rpcBody("eth_chainId") });
    expect({ relayChainId: route.relayChainId, status: response.status, result: response.json?.result }).toEqual({
      relayChainId: route.relayChainId,
      status: 200,
      result: `0x${chainIdOfNode(route.blockchainNode).toString(16)}`,
    });
    answered.add(response.json.result);
  }
  expect(answered.size).toBe(new Set(routes.map((r) => r.blockchainNode)).size);
});

test("a standard Ethereum client (ethers JsonRpcProvider with basic auth) works through the proxy", async () => {
  for (const route of files.proxyConfig.routes) {
    const chain = proxy.chain(route.relayChainId);
    const request = new FetchRequest(chain.url);
    // ethers refuses credentials over plain http unless told: the proxy is private, on the internal LB.
    request.allowInsecureAuthentication = true;
    request.setCredentials(chain.basic_auth!.username, chain.basic_auth!.password);
    const provider = new JsonRpcProvider(request, undefined, { staticNetwork: true, batchMaxCount: 1 });
    try {
      const network = await provider.send("eth_chainId", []);
      expect(Number(network)).toBe(chainIdOfNode(route.blockchainNode));
      expect(await provider.getBlockNumber()).toBeGreaterThanOrEqual(0);
      const [account] = await provider.send("eth_accounts", []);
      expect(await provider.getBalance(account)).toBeGreaterThan(0n);
    } finally {
      provider.destroy();
    }
  }
});

test("an unknown relay chain ID gets 404 with a JSON-RPC error body", async () => {
  const routed = new Set(files.proxyConfig.routes.map((r) => r.relayChainId.toLowerCase()));
  const unknownId = ["0021", "0001", "0002", "00ff"].find((id) => !routed.has(id))!;
  const known = proxy.chains[0];
  const unknown: ChainsJsonEntry = { ...known, id: unknownId, url: `${proxy.origin}/${unknownId}` };
  expectJsonRpcError(await pocketRelay(unknown), 404);
  // A prefix that only starts like a routed ID is not that route either.
  expectJsonRpcError(await pocketRelay({ ...known, url: `${known.url}0` }), 404);
  expectJsonRpcError(await pocketRelay({ ...known, url: proxy.origin }), 404);
});

test("missing or wrong credentials get 401 with a JSON-RPC error body and a Basic challenge", async () => {
  const chain = proxy.chains[0];
  const attempts = [
    null,
    { username: chain.basic_auth!.username, password: `${TEST_PROXY_PASSWORD}-wrong` },
    { username: "someone-else", password: TEST_PROXY_PASSWORD },
  ];
  for (const credentials of attempts) {
    const response = await pocketRelay(chain, { credentials });
    expectJsonRpcError(response, 401);
    expect(response.headers["www-authenticate"]).toMatch(/^Basic realm=/);
  }
  // The right credentials pass (so the 401s above are about the credentials).
  expect((await pocketRelay(chain)).status).toBe(200);
});

test("a source address outside the allowed ranges gets 403, with or without credentials", async () => {
  const chain = proxy.chains[0];
  expectJsonRpcError(await pocketRelay(chain, { localAddress: OUTSIDE_CLIENT }), 403);
  expectJsonRpcError(await pocketRelay(chain, { localAddress: OUTSIDE_CLIENT, credentials: null }), 403);
  // An unknown route does not reveal itself to an outsider either.
  expectJsonRpcError(await pocketRelay({ ...chain, url: `${proxy.origin}/0bad` }, { localAddress: OUTSIDE_CLIENT }), 403);
  expect((await pocketRelay(chain, { localAddress: ALLOWED_CLIENT })).status).toBe(200);
});

/** nginx size ("1m", "512k", "2048") in bytes. */
function nginxSizeBytes(size: string): number {
  const match = /^(\d+)([kKmM]?)$/.exec(size);
  if (!match) throw new Error(`not an nginx size: ${size}`);
  return Number(match[1]) * ({ "": 1, k: 1024, m: 1024 * 1024 } as Record<string, number>)[match[2].toLowerCase()];
}

/** A JSON-RPC request padded to exactly `bytes` bytes (the node ignores the extra member). */
function paddedRpcBody(bytes: number): string {
  const empty = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [], padding: "" });
  return JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [], padding: "x".repeat(bytes - empty.length) });
}

test("a body over the configured limit gets 413 with a JSON-RPC error body; one at the limit passes", async () => {
  const chain = proxy.chains[0];
  const limit = nginxSizeBytes(files.proxyConfig.maxBodySize);
  const atLimit = await pocketRelay(chain, { body: paddedRpcBody(limit) });
  expect(atLimit.status).toBe(200);
  expectJsonRpcError(await pocketRelay(chain, { body: paddedRpcBody(limit + 1) }), 413);
});

test("the health endpoint answers kubelet probes without credentials or source check", async () => {
  const response = await fetch(`${proxy.healthOrigin}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
});

test("the logs never contain the credentials (run last: checks the log of every request above)", async () => {
  // The access log is buffered (flushed at least every second): wait for the last request's line.
  const output = await proxy.waitForOutput(/"status":413/);
  // The access log did record the requests above, with the username only.
  expect(output).toMatch(/"status":401/);
  expect(output).toMatch(/"user":"testnet-validators"/);
  const chain = proxy.chains[0];
  const basic = Buffer.from(`${chain.basic_auth!.username}:${chain.basic_auth!.password}`).toString("base64");
  expect(output).not.toContain(TEST_PROXY_PASSWORD);
  expect(output).not.toContain(basic);
  expect(output.toLowerCase()).not.toContain("authorization");
});
