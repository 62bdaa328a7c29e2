/**
 * The pure side of the proxy config: stable text (no diff on every `pulumi up`), bad specs refused
 * with a message naming the field, and the credential checks' text (what it may hold, what it
 * refuses). That nginx runs the text and authenticates with it is proven by the other tests of
 * this folder (credentials.test.ts for hostile Authorization headers).
 */
import { caseTwins, nginxTest, requireNginx } from "./proxyHarness";
import { CREDENTIALS_FILE, renderCredentialChecks } from "../../components/credentialChecks";
import { atMostPattern, proxyErrorBody, PROXY_ERRORS, renderNginxConfig, uncountedBodyBytes } from "../../components/nginxConfig";
import { MIN_CALL_BYTES } from "../../components/nginxConfigScript";
import { NginxConfigSpec } from "../../components/nginxConfigSpec";
import { routeTo, sampleNginxSpec } from "./sampleSpec";
import { MAX_CLIENT_NAME_LENGTH, MAX_PASSWORD_LENGTH } from "../../validation/proxyLimits";

function prodLikeSpec(): NginxConfigSpec {
  return sampleNginxSpec([routeTo("0020", "geth-goerli"), routeTo("0022", "geth-rinkeby")]);
}

test("the same spec renders the same text", () => {
  expect(renderNginxConfig(prodLikeSpec())).toBe(renderNginxConfig(prodLikeSpec()));
});

test("routes to one node share one upstream (one cap and one pool per prod node)", () => {
  const spec = prodLikeSpec();
  spec.routes.push({ ...spec.routes[0], relayChainId: "0021" });
  const text = renderNginxConfig(spec);
  expect(text.match(/^\s*upstream geth-goerli \{/gm)).toHaveLength(1);
  // Two routes, each with its counted and its direct relay location.
  expect(text.match(/proxy_pass http:\/\/geth-goerli;/g)).toHaveLength(4);
});

test.each<[string, (spec: NginxConfigSpec) => void, RegExp]>([
  ["a relay chain ID that is not 4 hex digits", (s) => (s.routes[0].relayChainId = "20"), /routes\[0\]\.relayChainId "20" is not a relay chain ID/],
  ["a relay chain ID routed twice", (s) => (s.routes[1].relayChainId = "0020"), /routes\[1\]\.relayChainId "0020" is routed twice/],
  ["one node at two addresses", (s) => (s.routes[1] = { ...s.routes[0], relayChainId: "0099", upstreamPort: 8546 }), /differs from geth-goerli/],
  ["a range that is not a CIDR", (s) => (s.allowedSourceRanges = ["10.0.0.0"]), /allowedSourceRanges\[0\] "10.0.0.0" is not a CIDR/],
  ["no allowed range", (s) => (s.allowedSourceRanges = []), /allowedSourceRanges \[\] must list at least one/],
  ["a path that would inject directives", (s) => (s.credentialsDir = "/etc/auth; allow all"), /credentialsDir .* is not an absolute path/],
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
  ["a size in kilobytes and a one-second timeout", (s) => ((s.maxBodySize = "384k"), (s.upstreamTimeoutSeconds = 1))],
  ["an upstream given by IP address", (s) => (s.routes = [{ ...s.routes[0], upstreamHost: "10.0.0.5" }])],
])("nginx accepts the config rendered from %s (nginx -t)", (_what, mutate) => {
  requireNginx();
  const spec = prodLikeSpec();
  mutate(spec);
  // Only file paths move, and upstream names become an address (names resolve at load).
  expect(nginxTest(renderNginxConfig(spec))).toEqual({ status: 0, stderr: "" });
});

test("nginx accepts credential checks at their bounds and with client names that are nginx keywords (nginx -t)", () => {
  requireNginx();
  const credentials = [
    // The longest name and the longest password in bytes (3 UTF-8 bytes a UTF-16 unit).
    { username: "n".repeat(MAX_CLIENT_NAME_LENGTH), password: "\u20ac".repeat(MAX_PASSWORD_LENGTH) },
    ...["default", "include", "hostnames", "volatile", "-", "."].map((username) => ({ username, password: `${username}-password-0123456789` })),
  ];
  expect(nginxTest(renderNginxConfig(prodLikeSpec()), renderCredentialChecks(credentials))).toEqual({ status: 0, stderr: "" });
  // No clients at all: no checks, everyone gets 401.
  expect(nginxTest(renderNginxConfig(prodLikeSpec()), renderCredentialChecks([]))).toEqual({ status: 0, stderr: "" });
});

test("every proxy error body is a JSON-RPC 2.0 error object", () => {
  for (const status of Object.keys(PROXY_ERRORS).map(Number)) {
    const body = JSON.parse(proxyErrorBody(status));
    expect(body).toEqual({ jsonrpc: "2.0", id: null, error: { code: PROXY_ERRORS[status].code, message: expect.any(String) } });
  }
});

test("credential checks: the exact Authorization header compared, stable across runs, only base64 and the name in the text", () => {
  const credentials = [
    { username: "testnet-validators", password: "s3cret-one-0123456789" },
    { username: "other-client", password: "s3cret-one-0123456789" },
  ];
  const files = renderCredentialChecks(credentials);
  expect(renderCredentialChecks(credentials)).toEqual(files);
  expect(Object.keys(files)).toEqual([CREDENTIALS_FILE]);
  const header = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
  const check = (u: string, p: string) => `if ($http_authorization = "${header(u, p)}") {\n    set $relay_user "${u}";\n}\n`;
  expect(files[CREDENTIALS_FILE]).toBe(check("testnet-validators", "s3cret-one-0123456789") + check("other-client", "s3cret-one-0123456789"));
  // Whatever the password holds (quotes, ';', braces, '$', spaces, non-ASCII), the text holds only base64.
  const hostile = renderCredentialChecks([{ username: "a", password: `"; } include /etc/passwd; { $x \\ \u20ac ~` }]);
  expect(hostile[CREDENTIALS_FILE]).toMatch(/^if \(\$http_authorization = "Basic [A-Za-z0-9+/]+={0,2}"\) \{\n {4}set \$relay_user "a";\n\}\n$/);
  // A changed password changes the file (the Secret and the pods' annotation change with it).
  const changed = renderCredentialChecks([{ username: "testnet-validators", password: "s3cret-two-0123456789" }]);
  expect(changed[CREDENTIALS_FILE]).not.toBe(check("testnet-validators", "s3cret-one-0123456789"));
  // Credentials that differ only in letter case once encoded are two clients: the check compares bytes.
  const password = "abcdefghijklmnopqrstuvwxyz0123456789";
  const twin = caseTwins("testnet-validators", password).find((t) => t.username !== "testnet-validators")!;
  expect(renderCredentialChecks([{ username: "testnet-validators", password }, twin])[CREDENTIALS_FILE].split("if (").length).toBe(3);
});

test.each<[string, { username: string; password: string }[], RegExp]>([
  ["a quote in a name", [{ username: 'a"b', password: "p" }], /username "a\\"b" must be 1 to 64 letters/],
  ["a ';' in a name", [{ username: "a;b", password: "p" }], /username "a;b"/],
  ["a '{' in a name", [{ username: "a{", password: "p" }], /username "a\{"/],
  ["whitespace in a name", [{ username: "a b", password: "p" }], /username "a b"/],
  ["a regex-looking name", [{ username: "~a", password: "p" }], /username "~a"/],
  ["a variable-looking name", [{ username: "$a", password: "p" }], /username "\$a"/],
  ["an empty name", [{ username: "", password: "p" }], /username ""/],
  ["a name too long", [{ username: "n".repeat(MAX_CLIENT_NAME_LENGTH + 1), password: "p" }], /must be 1 to 64/],
  ["a name listed twice", [{ username: "a", password: "p" }, { username: "a", password: "q" }], /listed twice/],
  ["an empty password", [{ username: "a", password: "" }], /password of "a" must be 1 to 128 characters/],
  ["a ':' in a password", [{ username: "a", password: "x:y" }], /password of "a"/],
  ["a line break in a password", [{ username: "a", password: "line\nbreak" }], /password of "a"/],
  ["a password too long", [{ username: "a", password: "p".repeat(MAX_PASSWORD_LENGTH + 1) }], /password of "a"/],
])("credential checks refuse %s, without echoing the password", (_what, credentials, message) => {
  expect(() => renderCredentialChecks(credentials)).toThrow(message);
  for (const { password } of credentials) if (password.length > 1) expect(() => renderCredentialChecks(credentials)).not.toThrow(password);
});

test.each([0, 7, 10, 99, 100, 390, 1000, 15015])("the Content-Length pattern of bodies up to %d bytes matches exactly those numbers", (max) => {
  const pattern = new RegExp(atMostPattern(max));
  const matched = Array.from({ length: max * 3 + 20 }, (_, n) => n).filter((n) => pattern.test(String(n)));
  expect(matched).toEqual(Array.from({ length: max + 1 }, (_, n) => n));
  // Leading zeros, signs and spaces are not numbers nginx wrote: they take the counted path.
  for (const text of ["00", "01", "+1", " 1", "1 ", "", "1e2"]) expect(pattern.test(text)).toBe(false);
});

test("a relay takes the uncounted path only when its announced length cannot hold more than maxBatchCalls calls", () => {
  const spec = prodLikeSpec();
  const text = renderNginxConfig(spec);
  const limit = uncountedBodyBytes(spec.maxBatchCalls);
  // The shortest batch of maxBatchCalls + 1 calls (each names a method) is one byte longer than the
  // uncounted limit.
  const shortestOver = JSON.stringify(Array.from({ length: spec.maxBatchCalls + 1 }, () => ({ method: "x" })));
  expect(shortestOver.length).toBe(limit + 1);
  expect(MIN_CALL_BYTES).toBe(JSON.stringify({ method: "x" }).length);
  expect(text).toContain(`"~${atMostPattern(limit)}" 1;`);
});
