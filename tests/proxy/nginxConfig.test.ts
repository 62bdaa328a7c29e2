/**
 * The pure side of the proxy config: stable text (no diff on every `pulumi up`), bad specs refused
 * with a message naming the field, and htpasswd lines in the {SSHA} form nginx checks. That nginx
 * runs the text and accepts the hashes is proven by the other tests of this folder.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NGINX_BINARY, requireNginx } from "./proxyHarness";
import { renderHtpasswd } from "../../components/htpasswd";
import { proxyErrorBody, PROXY_ERRORS, renderNginxConfig } from "../../components/nginxConfig";
import { NginxConfigSpec } from "../../components/nginxConfigSpec";

function prodLikeSpec(): NginxConfigSpec {
  return {
    listenPort: 8080,
    healthPort: 8081,
    routes: [
      { relayChainId: "0020", blockchainNode: "geth-goerli", upstreamHost: "geth-goerli.blockchain.svc.cluster.local", upstreamPort: 8545 },
      { relayChainId: "0022", blockchainNode: "geth-rinkeby", upstreamHost: "geth-rinkeby.blockchain.svc.cluster.local", upstreamPort: 8545 },
    ],
    allowedSourceRanges: ["10.150.0.0/20", "10.48.0.0/14"],
    htpasswdPath: "/etc/nginx/auth/htpasswd",
    rateLimit: { requestsPerSecond: 50, burst: 100 },
    maxConnectionsPerUpstream: 32,
    maxBodySize: "1m",
    upstreamTimeoutSeconds: 260,
    keepaliveConnections: 16,
  };
}

test("the same spec renders the same text", () => {
  expect(renderNginxConfig(prodLikeSpec())).toBe(renderNginxConfig(prodLikeSpec()));
});

test("routes to one node share one upstream (one cap and one pool per prod node)", () => {
  const spec = prodLikeSpec();
  spec.routes.push({ ...spec.routes[0], relayChainId: "0021" });
  const text = renderNginxConfig(spec);
  expect(text.match(/^\s*upstream geth-goerli \{/gm)).toHaveLength(1);
  expect(text.match(/proxy_pass http:\/\/geth-goerli;/g)).toHaveLength(2);
});

test.each<[string, (spec: NginxConfigSpec) => void, RegExp]>([
  ["a relay chain ID that is not 4 hex digits", (s) => (s.routes[0].relayChainId = "20"), /routes\[0\]\.relayChainId "20" is not a relay chain ID/],
  ["a relay chain ID routed twice", (s) => (s.routes[1].relayChainId = "0020"), /routes\[1\]\.relayChainId "0020" is routed twice/],
  ["one node at two addresses", (s) => (s.routes[1] = { ...s.routes[0], relayChainId: "0099", upstreamPort: 8546 }), /differs from geth-goerli/],
  ["a range that is not a CIDR", (s) => (s.allowedSourceRanges = ["10.0.0.0"]), /allowedSourceRanges\[0\] "10.0.0.0" is not a CIDR/],
  ["no allowed range", (s) => (s.allowedSourceRanges = []), /allowedSourceRanges \[\] must list at least one/],
  ["a path that would inject directives", (s) => (s.htpasswdPath = "/etc/htpasswd; allow all"), /htpasswdPath .* is not an absolute path/],
  ["an upstream host that would inject directives", (s) => (s.routes[0].upstreamHost = "x;}server{listen 1"), /upstreamHost .* is not a host name/],
  ["a rate nginx cannot express", (s) => (s.rateLimit.requestsPerSecond = 0.001), /rateLimit\.requestsPerSecond 0.001/],
  ["no concurrency", (s) => (s.maxConnectionsPerUpstream = 0), /maxConnectionsPerUpstream 0 must be a whole number from 1 to/],
  ["a size nginx cannot read", (s) => (s.maxBodySize = "1 MB"), /maxBodySize "1 MB" is not an nginx size/],
  ["the health port on the proxy port", (s) => (s.healthPort = 8080), /healthPort 8080 must differ from listenPort/],
])("refuses %s, naming the field", (_what, mutate, message) => {
  const spec = prodLikeSpec();
  mutate(spec);
  expect(() => renderNginxConfig(spec)).toThrow(message);
});

test("a burst of 0 is written the way nginx accepts it (no burst parameter)", () => {
  const spec = prodLikeSpec();
  spec.rateLimit = { requestsPerSecond: 10, burst: 0 };
  expect(renderNginxConfig(spec)).toMatch(/limit_req zone=relay_rate nodelay;/);
});

test.each<[string, (spec: NginxConfigSpec) => void]>([
  ["the prod-like spec", () => undefined],
  ["no burst and a rate below one per second", (s) => (s.rateLimit = { requestsPerSecond: 0.5, burst: 0 })],
  ["IPv6 source ranges", (s) => (s.allowedSourceRanges = ["10.0.0.0/8", "fd00::/8"])],
  ["a resolver", (s) => (s.resolver = "10.0.0.10 valid=30s ipv6=off")],
  ["a size in kilobytes and a one-second timeout", (s) => ((s.maxBodySize = "512k"), (s.upstreamTimeoutSeconds = 1))],
  ["an upstream given by IP address", (s) => (s.routes = [{ ...s.routes[0], upstreamHost: "10.0.0.5" }])],
])("nginx accepts the config rendered from %s (nginx -t)", (_what, mutate) => {
  requireNginx();
  const spec = prodLikeSpec();
  mutate(spec);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nginx-config-test-"));
  try {
    // Only file paths move (upstream names resolve at load: use an address for them).
    const text = renderNginxConfig({ ...spec, routes: spec.routes.map((r) => ({ ...r, upstreamHost: "127.0.0.1" })) })
      .replace(/(?<=[\s"'])\/tmp\//g, `${dir}/`)
      .split(spec.htpasswdPath)
      .join(`${dir}/htpasswd`);
    fs.writeFileSync(path.join(dir, "nginx.conf"), text);
    // nginx reopens /dev/stdout for the access log, which fails on a socket: give it a file.
    const stdout = fs.openSync(path.join(dir, "stdout"), "w");
    const check = spawnSync(NGINX_BINARY, ["-t", "-q", "-p", dir, "-c", path.join(dir, "nginx.conf")], {
      encoding: "utf8",
      stdio: ["ignore", stdout, "pipe"],
    });
    fs.closeSync(stdout);
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: "" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("every proxy error body is a JSON-RPC 2.0 error object", () => {
  for (const status of Object.keys(PROXY_ERRORS).map(Number)) {
    const body = JSON.parse(proxyErrorBody(status));
    expect(body).toEqual({ jsonrpc: "2.0", id: null, error: { code: PROXY_ERRORS[status].code, message: expect.any(String) } });
  }
});

/** Checks an {SSHA} line the way nginx does: base64(SHA-1(password + salt) + salt). */
function sshaMatches(line: string, username: string, password: string): boolean {
  const [user, hash] = line.split(":");
  if (user !== username || !hash.startsWith("{SSHA}")) return false;
  const decoded = Buffer.from(hash.slice("{SSHA}".length), "base64");
  const salt = decoded.subarray(20);
  return crypto.createHash("sha1").update(password).update(salt).digest().equals(decoded.subarray(0, 20));
}

test("htpasswd lines verify the password, are stable across runs, and salt each credential differently", () => {
  const credentials = [
    { username: "testnet-validators", password: "s3cret-one" },
    { username: "other-client", password: "s3cret-one" },
  ];
  const text = renderHtpasswd(credentials);
  expect(renderHtpasswd(credentials)).toBe(text);
  const lines = text.trimEnd().split("\n");
  expect(lines).toHaveLength(2);
  expect(sshaMatches(lines[0], "testnet-validators", "s3cret-one")).toBe(true);
  expect(sshaMatches(lines[0], "testnet-validators", "s3cret-two")).toBe(false);
  // Same password, different user: different salt, so different hash.
  expect(lines[0].split(":")[1]).not.toBe(lines[1].split(":")[1]);
  // A changed password changes the line (the Secret changes with it).
  expect(renderHtpasswd([{ username: "testnet-validators", password: "s3cret-two" }]).trimEnd()).not.toBe(lines[0]);
});

test("htpasswd takes a caller's salt", () => {
  const line = renderHtpasswd([{ username: "u", password: "p" }], () => "fixedsalt").trimEnd();
  expect(Buffer.from(line.split("{SSHA}")[1], "base64").subarray(20).toString()).toBe("fixedsalt");
  expect(sshaMatches(line, "u", "p")).toBe(true);
});

test("htpasswd refuses what nginx would misread, without echoing the password", () => {
  expect(() => renderHtpasswd([{ username: "a:b", password: "p" }])).toThrow(/username "a:b"/);
  expect(() => renderHtpasswd([{ username: "a", password: "line\nbreak" }])).toThrow(/password of "a"/);
  expect(() => renderHtpasswd([{ username: "a", password: "line\nbreak" }])).not.toThrow(/line\nbreak/);
  expect(() => renderHtpasswd([{ username: "a", password: "p" }, { username: "a", password: "q" }])).toThrow(/listed twice/);
});
