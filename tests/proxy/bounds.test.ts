/**
 * Every bound of the proxy's settings (validation/proxyLimits.ts) is one nginx 1.22 accepts: the
 * config rendered at each bound passes `nginx -t`, one step beyond is refused by the renderer with
 * a message naming the field, and where nginx itself refuses the next value, `nginx -t` shows it.
 */
import { renderNginxConfig } from "../../components/nginxConfig";
import { NginxConfigSpec } from "../../components/nginxConfigSpec";
import {
  MAX_BATCH_CALLS,
  MAX_BODY_BYTES,
  MAX_BURST,
  MAX_CLIENT_KEEPALIVE_SECONDS,
  MAX_CLIENT_TIMEOUT_SECONDS,
  MIN_SPARE_WORKER_CONNECTIONS,
  relayConnections,
  MAX_CONNECTIONS_PER_UPSTREAM,
  MAX_REQUESTS_PER_SECOND,
  MAX_UPSTREAM_TIMEOUT_SECONDS,
  MAX_WORKER_CONNECTIONS,
  MAX_WORKER_PROCESSES,
} from "../../validation/proxyLimits";
import { nginxTest } from "./proxyHarness";
import { routeTo, sampleNginxSpec } from "./sampleSpec";

const NODES = ["geth-mainnet", "geth-rinkeby", "geth-ropsten", "geth-goerli", "poa-kovan", "poa-xdai"];

/**
 * A spec at the given bounds, with worker connections for its caps and room in memory for them: these
 * cases are about what nginx accepts (the memory check has its own cases below).
 */
function spec(overrides: Partial<NginxConfigSpec> = {}, nodes = 3): NginxConfigSpec {
  const base = sampleNginxSpec(NODES.slice(0, nodes).map((node, i) => routeTo(`002${i}`, node)), overrides);
  const needed = relayConnections(nodes, base.maxConnectionsPerUpstream, base.keepaliveConnections) + MIN_SPARE_WORKER_CONNECTIONS;
  return {
    ...base,
    maxConnectionsPerClient: overrides.maxConnectionsPerClient ?? Math.max(1, Math.floor(base.maxConnectionsPerUpstream / 2)),
    maxConnectionsPerCredential: overrides.maxConnectionsPerCredential ?? base.maxConnectionsPerUpstream,
    workerConnections: overrides.workerConnections ?? Math.min(MAX_WORKER_CONNECTIONS, Math.max(base.workerConnections, needed)),
    memoryLimitBytes: overrides.memoryLimitBytes ?? 2 ** 40,
  };
}

const accepted = (s: NginxConfigSpec) => nginxTest(renderNginxConfig(s));

/** The largest cap that fits nginx's worker connections with all six prod nodes and a full pool. */
const capForSixNodes = Math.floor((MAX_WORKER_CONNECTIONS - MIN_SPARE_WORKER_CONNECTIONS) / (6 * 3));

test.each<[string, NginxConfigSpec]>([
  ["the largest connection cap, with a keepalive pool as large", spec({ maxConnectionsPerUpstream: MAX_CONNECTIONS_PER_UPSTREAM, keepaliveConnections: MAX_CONNECTIONS_PER_UPSTREAM })],
  ["six prod nodes at the most worker connections nginx is given", spec({ maxConnectionsPerUpstream: capForSixNodes, keepaliveConnections: capForSixNodes }, 6)],
  ["the smallest cap (a share of one each for two clients) and pool", spec({ maxConnectionsPerUpstream: 2, keepaliveConnections: 1 })],
  ["the largest body", spec({ maxBodySize: `${MAX_BODY_BYTES / 1024 / 1024}m` })],
  ["the smallest body", spec({ maxBodySize: "1" })],
  ["the longest timeout", spec({ upstreamTimeoutSeconds: MAX_UPSTREAM_TIMEOUT_SECONDS })],
  ["the highest rate and burst", spec({ rateLimit: { requestsPerSecond: MAX_REQUESTS_PER_SECOND, burst: MAX_BURST } })],
  ["the most worker processes", spec({ workerProcesses: MAX_WORKER_PROCESSES })],
  ["the largest batch and the longest client timeouts", spec({ maxBatchCalls: MAX_BATCH_CALLS, clientTimeouts: { headerSeconds: MAX_CLIENT_TIMEOUT_SECONDS, bodySeconds: MAX_CLIENT_TIMEOUT_SECONDS, sendSeconds: MAX_CLIENT_TIMEOUT_SECONDS, keepaliveSeconds: MAX_CLIENT_KEEPALIVE_SECONDS } })],
  ["a credential's share below the cap (its own limit)", spec({ maxConnectionsPerCredential: 8 })],
  ["the smallest batch, share and client timeouts", spec({ maxBatchCalls: 1, maxConnectionsPerClient: 1, maxConnectionsPerCredential: 1, clientTimeouts: { headerSeconds: 1, bodySeconds: 1, sendSeconds: 1, keepaliveSeconds: 1 } })],
  ["the most worker connections", spec({ workerConnections: MAX_WORKER_CONNECTIONS })],
  ["one worker process", spec({ workerProcesses: 1 })],
  ["a /8 and an IPv6 /8", spec({ allowedSourceRanges: ["10.0.0.0/8", "fd00::/8"] })],
])("nginx -t accepts the config at a bound: %s", (_what, s) => {
  expect(accepted(s)).toEqual({ status: 0, stderr: "" });
});

test.each<[string, NginxConfigSpec, RegExp]>([
  ["a cap over the bound", spec({ maxConnectionsPerUpstream: MAX_CONNECTIONS_PER_UPSTREAM + 1 }), /maxConnectionsPerUpstream 4097 must be a whole number from 1 to 4096/],
  ["more worker connections than the bound", spec({ maxConnectionsPerUpstream: capForSixNodes + 1, keepaliveConnections: capForSixNodes + 1 }, 6), /workerConnections 65535 is below the \d+ one worker may need \(6 prod nodes/],
  ["a client share over half the cap", spec({ maxConnectionsPerClient: 17 }), /maxConnectionsPerClient 17 must be at most half of maxConnectionsPerUpstream 32 \(16\)/],
  ["a credential's share over the cap", spec({ maxConnectionsPerCredential: 33 }), /maxConnectionsPerCredential 33 must be at most maxConnectionsPerUpstream 32/],
  ["worker connections below the relays' need", spec({ workerConnections: 400 }), /workerConnections 400 is below the 496 one worker may need \(3 prod nodes × \(2 × maxConnectionsPerUpstream 32 \+ keepaliveConnections 16\) \+ 256 spare\)/],
  ["held buffers over the pod's memory", spec({ maxBodySize: "16m", memoryLimitBytes: 256 * 2 ** 20 }), /memoryLimitBytes 256 MiB is below the proxy's worst case of \d+ MiB: 4096 connections \(88 MiB\), 96 relays with maxBodySize 16m/],
  ["a batch over the bound", spec({ maxBatchCalls: MAX_BATCH_CALLS + 1 }), /maxBatchCalls 10001 must be a whole number from 1 to 10000/],
  ["a client timeout over the bound", spec({ clientTimeouts: { headerSeconds: MAX_CLIENT_TIMEOUT_SECONDS + 1, bodySeconds: 3, sendSeconds: 5, keepaliveSeconds: 30 } }), /clientTimeouts\.headerSeconds 61 must be a whole number of seconds from 1 to 60/],
  ["a pool over the cap", spec({ keepaliveConnections: 33 }), /keepaliveConnections 33 must be a whole number from 1 to maxConnectionsPerUpstream \(32\)/],
  ["a body over the bound", spec({ maxBodySize: "16385k" }), /maxBodySize "16385k" is more than 16m/],
  ["a body size nginx's parser overflows on", spec({ maxBodySize: "9999999999999m" }), /maxBodySize "9999999999999m" is not an nginx size/],
  ["a timeout over the bound", spec({ upstreamTimeoutSeconds: MAX_UPSTREAM_TIMEOUT_SECONDS + 1 }), /upstreamTimeoutSeconds 3601 must be a whole number of seconds from 1 to 3600/],
  ["a rate over the bound", spec({ rateLimit: { requestsPerSecond: MAX_REQUESTS_PER_SECOND + 1, burst: 0 } }), /rateLimit\.requestsPerSecond 100001 must be at most 100000/],
  ["a burst over the bound", spec({ rateLimit: { requestsPerSecond: 1, burst: MAX_BURST + 1 } }), /rateLimit\.burst 100001 must be a whole number from 0 to 100000/],
  ["worker processes over the bound", spec({ workerProcesses: MAX_WORKER_PROCESSES + 1 }), /workerProcesses 65 must be a whole number from 1 to 64/],
  ["worker processes of 1e21", spec({ workerProcesses: 1e21 }), /workerProcesses 1e\+21 must be a whole number/],
  ["a zone-scoped IPv6 range", spec({ allowedSourceRanges: ["fd00::%eth0/64"] }), /allowedSourceRanges\[0\] "fd00::%eth0\/64" is a zone-scoped IPv6 address/],
  ["a /00 range", spec({ allowedSourceRanges: ["0.0.0.0/00"] }), /allowedSourceRanges\[0\] "0.0.0.0\/00" has a prefix length that is not a plain decimal number/],
])("the renderer refuses %s, naming the field", (_what, s, message) => {
  expect(() => renderNginxConfig(s)).toThrow(message);
});

test.each<[string, (text: string) => string, RegExp]>([
  ["a connection cap of 70,000", (t) => t.replace(/limit_conn upstream_concurrency \d+;/g, "limit_conn upstream_concurrency 70000;"), /connection limit must be less 65536/],
  ["a body size of 9999999999999m", (t) => t.replace(/client_max_body_size \S+;/, "client_max_body_size 9999999999999m;"), /"client_max_body_size" directive invalid value/],
  ["worker_processes 1e+21", (t) => t.replace(/worker_processes \S+;/, "worker_processes 1e+21;"), /"worker_processes" directive invalid value/],
  ["a zone-scoped IPv6 range", (t) => t.replace(/^(\s*)10\.150\.0\.0\/20 1;$/m, "$1fe80::1%eth0/128 1;"), /invalid/],
  // nginx takes it, as the whole address space: it replaces the geo block's `default 0`.
  ["0.0.0.0/00, read as everyone", (t) => t.replace(/^(\s*)10\.150\.0\.0\/20 1;$/m, "$10.0.0.0/00 1;"), /duplicate network "0\.0\.0\.0\/00", value: "1", old value: "0"/],
])("what nginx does with the values the bounds keep out: %s", (what, edit, stderr) => {
  const s = spec();
  const result = nginxTest(edit(renderNginxConfig(s)));
  expect(result.stderr).toMatch(stderr);
  expect(result.status).toBe(what.startsWith("0.0.0.0/00") ? 0 : 1);
});
