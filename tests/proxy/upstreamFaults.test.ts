/**
 * What a validator gets when a prod blockchain node fails: a node that is down gives 502 and one
 * slower than the configured timeout gives 504 after that time (nginx's log says so), both with a JSON-RPC error body,
 * and neither affects the other routes.
 */
import * as http from "http";
import {
  downUpstreamAddress,
  expectJsonRpcError,
  pocketRelay,
  ProxyStackFiles,
  proxyStackFiles,
  RunningProxy,
  ScriptedUpstream,
  startProxy,
  startScriptedUpstream,
  stopAllProxies,
  upstreamAddresses,
} from "./proxyHarness";

/** Short enough for a test, long enough to tell apart from an immediate failure. */
const TEST_UPSTREAM_TIMEOUT_SECONDS = 2;

let files: ProxyStackFiles;
let proxy: RunningProxy;
let downAddress: string;
let slowNode: ScriptedUpstream;
let healthyNode: ScriptedUpstream;
/** Relay chain IDs by the role their node plays here. */
const routeOf: Record<"down" | "slow" | "healthy", string> = { down: "", slow: "", healthy: "" };

beforeAll(async () => {
  files = await proxyStackFiles({ allowedSourceRanges: ["127.0.0.0/8"], upstreamTimeoutSeconds: TEST_UPSTREAM_TIMEOUT_SECONDS });
  const addresses = [...upstreamAddresses(files.nginxConf).values()];
  if (addresses.length < 3) throw new Error(`these tests need three prod nodes behind the proxy, the config has ${addresses.length}`);
  downAddress = await downUpstreamAddress();
  slowNode = await startScriptedUpstream({ chainId: 2, delayMs: (TEST_UPSTREAM_TIMEOUT_SECONDS + 5) * 1000 });
  healthyNode = await startScriptedUpstream({ chainId: 3 });
  const loopbackFor = new Map([
    [addresses[0], downAddress],
    [addresses[1], slowNode.address],
    [addresses[2], healthyNode.address],
  ]);
  // The relay chain ID of each role: the routes whose node has that address.
  const roleOf = new Map([
    [addresses[0].split(".")[0], "down"],
    [addresses[1].split(".")[0], "slow"],
    [addresses[2].split(".")[0], "healthy"],
  ] as const);
  for (const route of files.proxyConfig.routes) {
    const role = roleOf.get(route.blockchainNode);
    if (role && !routeOf[role]) routeOf[role] = route.relayChainId;
  }
  proxy = await startProxy(files, (address) => loopbackFor.get(address) ?? downAddress);
}, 60000);

afterAll(async () => {
  await stopAllProxies();
  await Promise.all([slowNode?.close(), healthyNode?.close()]);
});

test("a node that is down gets 502 with a JSON-RPC error body, and other routes keep working", async () => {
  const response = await pocketRelay(proxy.chain(routeOf.down));
  expectJsonRpcError(response, 502);
  const healthy = await pocketRelay(proxy.chain(routeOf.healthy));
  expect({ status: healthy.status, result: healthy.json?.result }).toEqual({ status: 200, result: "0x3" });
});

test("a node that comes back is used at once (the proxy does not keep it marked down)", async () => {
  expectJsonRpcError(await pocketRelay(proxy.chain(routeOf.down)), 502);
  const [host, port] = downAddress.split(":");
  const revived = http.createServer((_req, res) => {
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: "0x1" }));
  });
  await new Promise<void>((resolve) => revived.listen(Number(port), host, () => resolve()));
  try {
    const response = await pocketRelay(proxy.chain(routeOf.down));
    expect({ status: response.status, result: response.json?.result }).toEqual({ status: 200, result: "0x1" });
  } finally {
    revived.closeAllConnections();
    await new Promise<void>((resolve) => revived.close(() => resolve()));
  }
});

test("a node slower than the configured timeout gets 504 with a JSON-RPC error body, when the proxy's timer says so", async () => {
  const slowRequestsBefore = slowNode.stats.requests;
  const response = await pocketRelay(proxy.chain(routeOf.slow), { path: "slow-node-marker", timeoutMs: (TEST_UPSTREAM_TIMEOUT_SECONDS + 10) * 1000 });
  expectJsonRpcError(response, 504);
  // The request did reach the node (a timeout, not a refusal), and the proxy gave up while the node
  // still held it: the 504 came from the proxy's timeout, not from the node.
  expect(slowNode.stats.requests).toBe(slowRequestsBefore + 1);
  expect(slowNode.stats.inFlight).toBeGreaterThanOrEqual(1);
  // nginx's own record of the wait (its timer, not this test's clock): the configured timeout.
  const output = await proxy.waitForOutput(/^\{.*slow-node-marker/m);
  const line = JSON.parse(output.split("\n").find((l) => l.startsWith("{") && l.includes("slow-node-marker"))!);
  expect({ status: line.status, upstream_status: line.upstream_status, waited: Math.round(Number(line.upstream_time)) }).toEqual({
    status: 504,
    upstream_status: "504",
    waited: TEST_UPSTREAM_TIMEOUT_SECONDS,
  });
});

test("while one node hangs, relays to another node are answered before it times out", async () => {
  let hangingDone = false;
  const hanging = pocketRelay(proxy.chain(routeOf.slow), { timeoutMs: 15000 }).finally(() => (hangingDone = true));
  await slowNode.when((stats) => stats.inFlight >= 1);
  const healthy = await pocketRelay(proxy.chain(routeOf.healthy));
  expect({ status: healthy.status, hangingStillPending: !hangingDone }).toEqual({ status: 200, hangingStillPending: true });
  expectJsonRpcError(await hanging, 504);
});
