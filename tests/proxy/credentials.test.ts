/**
 * The credential check against hostile Authorization headers, on the real nginx with the prod
 * stack's generated nginx.conf and the credential checks rendered by `renderCredentialChecks` for
 * clients whose names are nginx keywords. A header that differs from a real one only in the case of
 * a base64 letter (a different password) must get 401: the check compares bytes.
 * Every refused request gets the JSON-RPC 401 with the Basic challenge and never reaches a node.
 */
import { renderCredentialChecks } from "../../components/credentialChecks";
import { PROXY_REALM } from "../../components/nginxConfig";
import {
  caseTwins,
  expectRawJsonRpcError,
  proxyStackFiles,
  rawHttp,
  RawResponse,
  RunningProxy,
  ScriptedUpstream,
  sleep,
  startProxy,
  startScriptedUpstream,
  stopAllProxies,
  TEST_PROXY_PASSWORD,
  upstreamAddresses,
} from "./proxyHarness";

const VALIDATORS = "testnet-validators";
/** Client names nginx's map block would read as keywords if they were keys (they are values here). */
const KEYWORD_NAMES = ["default", "include", "hostnames", "volatile"];
/** Two clients whose headers differ only in the case of one base64 letter: each is its own client. */
const CASE_BASE = { username: "case-base", password: "abcdefghijklmnopqrstuvwxyz0123456789" };
const CASE_TWIN = caseTwins(CASE_BASE.username, CASE_BASE.password).find((twin) => twin.username !== CASE_BASE.username)!;
const passwordOf = (name: string) => (name === VALIDATORS ? TEST_PROXY_PASSWORD : `${name}-password-4b1e9d0c7a`);
const encode = (text: string) => Buffer.from(text, "utf8").toString("base64");
const basic = (name: string, password: string) => `Basic ${encode(`${name}:${password}`)}`;

/** A header without its base64 padding (fails when there was none, so the case tests something). */
function unpadded(header: string): string {
  if (!header.endsWith("=")) throw new Error("the credential chosen for the padding case has no padding");
  return header.replace(/=+$/, "");
}

const upstreams: ScriptedUpstream[] = [];
let proxy: RunningProxy;
let relayChainId: string;

beforeAll(async () => {
  const stackFiles = await proxyStackFiles({ allowedSourceRanges: ["127.0.0.0/16"] });
  const files = {
    ...stackFiles,
    credentialFiles: renderCredentialChecks([...[VALIDATORS, ...KEYWORD_NAMES].map((username) => ({ username, password: passwordOf(username) })), CASE_BASE, CASE_TWIN]),
  };
  const nodes = new Map<string, ScriptedUpstream>();
  let chainId = 1;
  for (const address of upstreamAddresses(files.nginxConf).values()) {
    const upstream = await startScriptedUpstream({ chainId: chainId++ });
    upstreams.push(upstream);
    nodes.set(address.split(".")[0], upstream);
  }
  proxy = await startProxy(files, (address) => nodes.get(address.split(".")[0])!.address);
  relayChainId = stackFiles.proxyConfig.routes[0].relayChainId;
}, 60000);

afterAll(async () => {
  await stopAllProxies();
  await Promise.all(upstreams.map((u) => u.close()));
});

const requestsAtNodes = () => upstreams.reduce((sum, u) => sum + u.stats.requests, 0);

/** A relay POST with the given header lines (each "Name: value"), sent byte for byte. */
function relay(headerLines: string[], path = `/${relayChainId}/`): Promise<RawResponse> {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
  const head = [`POST ${path} HTTP/1.1`, "Host: proxy", "Content-Type: application/json", `Content-Length: ${body.length}`, "Connection: close", ...headerLines];
  return rawHttp(proxy.origin, `${head.join("\r\n")}\r\n\r\n${body}`);
}

function expectRefused(response: RawResponse): void {
  expectRawJsonRpcError(response, 401);
  expect(response.headers["www-authenticate"]).toBe(`Basic realm="${PROXY_REALM}"`);
}

test("each client, keyword names included, authenticates with its exact header and is logged by name", async () => {
  for (const name of [VALIDATORS, ...KEYWORD_NAMES]) {
    const response = await relay([`Authorization: ${basic(name, passwordOf(name))}`]);
    expect({ name, status: response.status }).toEqual({ name, status: 200 });
  }
  await new Promise((resolve) => setTimeout(resolve, 1200)); // the access log is flushed within 1 s
  for (const name of KEYWORD_NAMES) expect(proxy.output()).toContain(`"user":"${name}"`);
});

test.each<[string, () => string[]]>([
  ["no Authorization header (a client named default is not a default)", () => []],
  ["an empty Authorization header", () => ["Authorization: "]],
  ["the scheme alone", () => ["Authorization: Basic"]],
  ["lower-case scheme", () => [`Authorization: ${basic(VALIDATORS, TEST_PROXY_PASSWORD).replace("Basic", "basic")}`]],
  ["upper-case scheme", () => [`Authorization: ${basic(VALIDATORS, TEST_PROXY_PASSWORD).replace("Basic", "BASIC")}`]],
  ["two spaces after the scheme", () => [`Authorization: ${basic(VALIDATORS, TEST_PROXY_PASSWORD).replace("Basic ", "Basic  ")}`]],
  ["a tab after the scheme", () => [`Authorization: ${basic(VALIDATORS, TEST_PROXY_PASSWORD).replace("Basic ", "Basic\t")}`]],
  ["text after the credential", () => [`Authorization: ${basic(VALIDATORS, TEST_PROXY_PASSWORD)} x`]],
  ["another scheme", () => [`Authorization: Bearer ${encode(`${VALIDATORS}:${TEST_PROXY_PASSWORD}`)}`]],
  ["the base64 without its padding", () => [`Authorization: ${unpadded(basic("default", passwordOf("default")))}`]],
  ["the right password under another client's name", () => [`Authorization: ${basic("default", TEST_PROXY_PASSWORD)}`]],
  ["a valid base64 of an unknown client", () => [`Authorization: ${basic("someone-else", TEST_PROXY_PASSWORD)}`]],
  ["a client's name with an empty password", () => [`Authorization: ${basic(VALIDATORS, "")}`]],
  ["a client's name alone", () => [`Authorization: Basic ${encode(VALIDATORS)}`]],
  ["a wrong password", () => [`Authorization: ${basic(VALIDATORS, `${TEST_PROXY_PASSWORD}x`)}`]],
  ["a quoted credential and a directive in the header", () => [`Authorization: "${basic(VALIDATORS, TEST_PROXY_PASSWORD)}" default; include /etc/passwd;`]],
  ["an nginx keyword as the credential", () => ["Authorization: default"]],
])("401, and no node reached, for %s", async (_what, headers) => {
  const before = requestsAtNodes();
  expectRefused(await relay(headers()));
  expect(requestsAtNodes()).toBe(before);
});

test("a header equal to a client's but for the case of base64 letters (another password) gets 401", async () => {
  const twins = caseTwins(VALIDATORS, TEST_PROXY_PASSWORD);
  expect(twins.length).toBeGreaterThan(0);
  const before = requestsAtNodes();
  for (const twin of twins) {
    const header = basic(twin.username, twin.password);
    // Only the case differs: a case-blind comparison would take it for the client's.
    expect(header.toLowerCase()).toBe(basic(VALIDATORS, TEST_PROXY_PASSWORD).toLowerCase());
    expectRefused(await relay([`Authorization: ${header}`]));
  }
  // The whole base64 in the other case too.
  const swapped = basic(VALIDATORS, TEST_PROXY_PASSWORD).replace(/(?<=^Basic .*)[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
  expectRefused(await relay([`Authorization: ${swapped}`]));
  expect(requestsAtNodes()).toBe(before);
});

test("two clients whose credentials differ only in letter case once encoded are two clients, each logged by its own name", async () => {
  expect(CASE_TWIN).toBeDefined();
  expect(basic(CASE_TWIN.username, CASE_TWIN.password).toLowerCase()).toBe(basic(CASE_BASE.username, CASE_BASE.password).toLowerCase());
  for (const client of [CASE_BASE, CASE_TWIN]) expect((await relay([`Authorization: ${basic(client.username, client.password)}`])).status).toBe(200);
  await sleep(1200); // the access log is flushed within 1 s
  for (const client of [CASE_BASE, CASE_TWIN]) expect(proxy.output()).toContain(`"user":"${client.username}"`);
});

test("several Authorization headers are refused whatever their order (nginx: 400 before any phase)", async () => {
  const valid = `Authorization: ${basic(VALIDATORS, TEST_PROXY_PASSWORD)}`;
  const wrong = `Authorization: ${basic(VALIDATORS, "wrong-password-0123456789")}`;
  const before = requestsAtNodes();
  for (const headers of [[valid, wrong], [wrong, valid], [valid, valid]]) expectRawJsonRpcError(await relay(headers), 400);
  expect(requestsAtNodes()).toBe(before);
});

test("whitespace around the header value is HTTP's, not the credential's: it is accepted", async () => {
  const response = await relay([`Authorization:   ${basic(VALIDATORS, TEST_PROXY_PASSWORD)}  `]);
  expect(response.status).toBe(200);
});

test("an unknown path gets the same 401 as a routed one without valid credentials", async () => {
  for (const path of ["/ffff/", `/${relayChainId}/`, "/", "/healthz"]) expectRefused(await relay([`Authorization: ${basic("default", "x")}`], path));
});
