/**
 * ganache (archived upstream) ships µWebSockets binaries only up to Node 20's ABI; on Node 22 it
 * prints "This version of µWS is not compatible with your Node.js build" and serves HTTP through
 * its pure-Node fallback. The proxy tests and bench use it as prod's blockchain nodes, so this
 * shows the fallback is a sound upstream for them: correct JSON-RPC answers over HTTP/1.1
 * keep-alive connections (as nginx's upstream keepalive uses them) under concurrent requests,
 * including concurrent state changes, batches and chunked bodies.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { startGanache, Upstream } from "./proxyHarness";

const CHAIN_ID = 0x5eed;
const CONNECTIONS = 8;
const REQUESTS = 400;
const TRANSACTIONS = 24;

let node: Upstream;
let agent: http.Agent;
/** Every socket the agent opened: keep-alive means far fewer than requests. */
const sockets = new Set<unknown>();

beforeAll(async () => {
  node = await startGanache(CHAIN_ID);
  agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
});

afterAll(async () => {
  agent.destroy();
  await node.close();
});

function rpc(body: unknown, options: { chunked?: boolean } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }> {
  const payload = JSON.stringify(body);
  const [host, port] = node.address.split(":");
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port: Number(port),
        method: "POST",
        path: "/",
        agent,
        headers: options.chunked ? { "content-type": "application/json" } : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on("socket", (socket) => sockets.add(socket));
    req.on("error", reject);
    if (options.chunked) {
      // Transfer-Encoding: chunked, the body in two pieces.
      req.write(payload.slice(0, 10));
      req.end(payload.slice(10));
    } else {
      req.end(payload);
    }
  });
}

test("on this Node, ganache runs µWS's fallback exactly when no µWS binary matches the Node ABI", () => {
  const uwsDir = path.dirname(require.resolve("@trufflesuite/uws-js-unofficial/package.json"));
  const binary = path.join(uwsDir, "binaries", `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    const uws = require("@trufflesuite/uws-js-unofficial");
    const fallback = require("@trufflesuite/uws-js-unofficial/dist/index");
    expect(uws === fallback).toBe(!fs.existsSync(binary));
  } finally {
    warn.mockRestore();
  }
  // Node 22 (.nvmrc) is ABI 127; the package's last binaries are for Node 20 (ABI 115).
  if (Number(process.versions.node.split(".")[0]) >= 22) expect(fs.existsSync(binary)).toBe(false);
});

test("answers concurrent eth_chainId / eth_blockNumber correctly over a few kept-alive connections", async () => {
  sockets.clear();
  const requests = Array.from({ length: REQUESTS }, (_, i) => ({ jsonrpc: "2.0", id: i + 1, method: i % 2 ? "eth_blockNumber" : "eth_chainId", params: [] }));
  const responses = await Promise.all(requests.map((request, i) => rpc(request, { chunked: i % 10 === 0 })));
  for (const [i, response] of responses.entries()) {
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ jsonrpc: "2.0", id: requests[i].id, result: requests[i].method === "eth_chainId" ? `0x${CHAIN_ID.toString(16)}` : "0x0" });
  }
  // Every response kept its connection open for the next request.
  for (const response of responses) expect(response.headers.connection ?? "keep-alive").not.toMatch(/close/i);
  expect(sockets.size).toBeLessThanOrEqual(CONNECTIONS);
});

test("orders concurrent transactions and serves consistent state, single and batched", async () => {
  const [accounts] = [(await rpc({ jsonrpc: "2.0", id: 1, method: "eth_accounts", params: [] })).json.result as string[]];
  const sends = await Promise.all(
    Array.from({ length: TRANSACTIONS }, (_, i) =>
      rpc({ jsonrpc: "2.0", id: i + 1, method: "eth_sendTransaction", params: [{ from: accounts[0], to: accounts[1], value: "0x1" }] }),
    ),
  );
  const hashes = sends.map((s) => s.json.result as string);
  expect(new Set(hashes).size).toBe(TRANSACTIONS);
  for (const hash of hashes) expect(hash).toMatch(/^0x[0-9a-f]{64}$/);

  // Instamine: one block per transaction, nonces 0..n-1 in some order, each receipt successful.
  const batch = await rpc([
    { jsonrpc: "2.0", id: "block", method: "eth_blockNumber", params: [] },
    { jsonrpc: "2.0", id: "nonce", method: "eth_getTransactionCount", params: [accounts[0], "latest"] },
    ...hashes.map((hash, i) => ({ jsonrpc: "2.0", id: i, method: "eth_getTransactionByHash", params: [hash] })),
  ]);
  const byId = new Map<unknown, any>(batch.json.map((r: any) => [r.id, r.result]));
  expect(byId.get("block")).toBe(`0x${TRANSACTIONS.toString(16)}`);
  expect(byId.get("nonce")).toBe(`0x${TRANSACTIONS.toString(16)}`);
  const nonces = hashes.map((_, i) => Number(byId.get(i).nonce)).sort((a, b) => a - b);
  expect(nonces).toEqual(Array.from({ length: TRANSACTIONS }, (_, i) => i));
  const received = await rpc({ jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: [accounts[1], "latest"] });
  const initial = 1000n * 10n ** 18n; // ganache's default balance, 1000 ETH
  expect(BigInt(received.json.result)).toBe(initial + BigInt(TRANSACTIONS));
});
