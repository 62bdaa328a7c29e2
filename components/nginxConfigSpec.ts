/**
 * What the blockchain proxy's nginx.conf is rendered from, and the checks that make sure nginx 1.22
 * accepts it: ports, routes, source ranges, limits within validation/proxyLimits.ts, and only text
 * that is safe to write into nginx.conf unquoted.
 */
import { allowListProblem } from "../validation/cidr";
import {
  bodySizeProblem,
  MAX_BATCH_CALLS,
  MAX_BURST,
  MAX_CLIENT_KEEPALIVE_SECONDS,
  MAX_CLIENT_TIMEOUT_SECONDS,
  MAX_CONNECTIONS_PER_UPSTREAM,
  MAX_REQUESTS_PER_SECOND,
  MAX_UPSTREAM_TIMEOUT_SECONDS,
  MAX_WORKER_CONNECTIONS,
  MAX_WORKER_PROCESSES,
  proxyCapacityProblem,
} from "../validation/proxyLimits";

/** One relay chain ID the testnet validators use, and the prod blockchain node that serves it. */
export interface ProxyRoute {
  /** 4 hex digits, the ID the testnet validators use (e.g. 0020 for Goerli on testnet). */
  relayChainId: string;
  /** Prod node name, e.g. geth-goerli; routes naming the same node share one upstream (and its caps). */
  blockchainNode: string;
  /** e.g. geth-goerli.blockchain.svc.cluster.local */
  upstreamHost: string;
  upstreamPort: number;
}

export interface NginxConfigSpec {
  /** Proxy port in the pod (8080). */
  listenPort: number;
  /** Unauthenticated /healthz for kubelet probes (8081). */
  healthPort: number;
  routes: ProxyRoute[];
  /** CIDRs allowed (nginx geo + 403, defence in depth behind the internal LB's source ranges and the NetworkPolicy). */
  allowedSourceRanges: string[];
  /** Directory of the mounted Secret holding the file of credentialChecks.ts, e.g. /etc/nginx/auth. */
  credentialsDir: string;
  /** Per client address and route; burst requests are served at once, beyond it 429. */
  rateLimit: { requestsPerSecond: number; burst: number };
  /** Cap on concurrent requests to each prod blockchain node; beyond it 503. */
  maxConnectionsPerUpstream: number;
  /** A client's share of each node's cap (one source address, whatever its credentials); beyond it 503. */
  maxConnectionsPerClient: number;
  /** One credential's share of each node's cap, all its source addresses together; beyond it 503 (at the cap: no separate limit). */
  maxConnectionsPerCredential: number;
  /** JSON-RPC calls in one request; a larger batch gets 413 before it reaches the node. */
  maxBatchCalls: number;
  /** Client-side timeouts in seconds: header and body (between two reads), send (between two writes), idle keep-alive. */
  clientTimeouts: ClientTimeouts;
  /** nginx worker_connections (per worker), within the pod's memory (validation/proxyLimits.ts). */
  workerConnections: number;
  /** The pod's memory limit: the worst case of held buffers must fit it. */
  memoryLimitBytes: number;
  /** Directory of the mounted ConfigMap holding nginx.conf and the relay script, e.g. /etc/nginx/relay. */
  configDir: string;
  /** nginx size, e.g. "1m"; beyond it 413. */
  maxBodySize: string;
  /** proxy_read/send timeout; beyond it 504. */
  upstreamTimeoutSeconds: number;
  /** Idle keepalive connections kept per upstream, per nginx worker. */
  keepaliveConnections: number;
  /** Optional DNS resolver (nginx `resolver` syntax). */
  resolver?: string;
  /** Worker processes: one per CPU of the pod's limit. */
  workerProcesses: number;
}

export interface ClientTimeouts {
  headerSeconds: number;
  bodySeconds: number;
  sendSeconds: number;
  keepaliveSeconds: number;
}

const RELAY_CHAIN_ID = /^[0-9A-Fa-f]{4}$/;
/** Kubernetes Service / node names: also safe as nginx upstream names. */
const NODE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST_NAME = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/;
/** Absolute path without whitespace, quotes, ';', '{', '}' or '$' (it is written into nginx.conf unquoted). */
const SAFE_PATH = /^\/[A-Za-z0-9._\/-]+$/;
/** resolver directive arguments: addresses, ports and name=value options. */
const RESOLVER_ARGS = /^[A-Za-z0-9.:\[\]= -]+$/;

function fail(field: string, value: unknown, allowed: string): never {
  throw new Error(`NginxConfigSpec.${field} ${JSON.stringify(value)} ${allowed}`);
}

function isWholeIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** nginx rate syntax: whole requests per second, or per minute for fractional rates (0.5 -> 30r/m). */
export function nginxRate(requestsPerSecond: number): string {
  if (Number.isInteger(requestsPerSecond) && requestsPerSecond >= 1) return `${requestsPerSecond}r/s`;
  const perMinute = requestsPerSecond * 60;
  if (Number.isInteger(perMinute) && perMinute >= 1) return `${perMinute}r/m`;
  return fail("rateLimit.requestsPerSecond", requestsPerSecond, "is not a positive rate nginx can express (whole requests per second or per minute)");
}

/**
 * Throws on a spec nginx would refuse or run wrongly, with one line naming the field, the value and
 * what is allowed. The stack config is validated against the same bounds (validation/proxyLimits.ts).
 */
export function validateNginxConfigSpec(spec: NginxConfigSpec): void {
  if (!isPort(spec.listenPort)) fail("listenPort", spec.listenPort, "is not a TCP port (1-65535)");
  if (!isPort(spec.healthPort)) fail("healthPort", spec.healthPort, "is not a TCP port (1-65535)");
  if (spec.listenPort === spec.healthPort) fail("healthPort", spec.healthPort, "must differ from listenPort");
  if (spec.routes.length === 0) fail("routes", spec.routes, "must list at least one route");
  const seenIds = new Set<string>();
  const upstreamOfNode = new Map<string, string>();
  spec.routes.forEach((route, i) => {
    if (!RELAY_CHAIN_ID.test(route.relayChainId)) fail(`routes[${i}].relayChainId`, route.relayChainId, "is not a relay chain ID (4 hex digits, e.g. 0020)");
    if (seenIds.has(route.relayChainId.toLowerCase())) fail(`routes[${i}].relayChainId`, route.relayChainId, "is routed twice (relay chain IDs must be unique)");
    seenIds.add(route.relayChainId.toLowerCase());
    if (!NODE_NAME.test(route.blockchainNode)) fail(`routes[${i}].blockchainNode`, route.blockchainNode, "is not a node name (lower-case letters, digits and '-')");
    if (!HOST_NAME.test(route.upstreamHost)) fail(`routes[${i}].upstreamHost`, route.upstreamHost, "is not a host name or IPv4 address");
    if (!isPort(route.upstreamPort)) fail(`routes[${i}].upstreamPort`, route.upstreamPort, "is not a TCP port (1-65535)");
    const address = `${route.upstreamHost}:${route.upstreamPort}`;
    const known = upstreamOfNode.get(route.blockchainNode);
    if (known !== undefined && known !== address) {
      fail(`routes[${i}].upstreamHost`, address, `differs from ${known}, the address another route gives blockchain node ${route.blockchainNode}`);
    }
    upstreamOfNode.set(route.blockchainNode, address);
  });
  if (spec.allowedSourceRanges.length === 0) fail("allowedSourceRanges", spec.allowedSourceRanges, "must list at least one CIDR range");
  const rangeProblem = allowListProblem(spec.allowedSourceRanges);
  if (rangeProblem) fail(`allowedSourceRanges[${rangeProblem.index}]`, rangeProblem.value, rangeProblem.problem);
  if (!SAFE_PATH.test(spec.configDir)) fail("configDir", spec.configDir, "is not an absolute path of letters, digits, '.', '_', '-' and '/'");
  if (!SAFE_PATH.test(spec.credentialsDir)) fail("credentialsDir", spec.credentialsDir, "is not an absolute path of letters, digits, '.', '_', '-' and '/'");
  const { requestsPerSecond, burst } = spec.rateLimit;
  if (!(requestsPerSecond <= MAX_REQUESTS_PER_SECOND)) fail("rateLimit.requestsPerSecond", requestsPerSecond, `must be at most ${MAX_REQUESTS_PER_SECOND}`);
  nginxRate(requestsPerSecond);
  if (!Number.isInteger(burst) || burst < 0 || burst > MAX_BURST) fail("rateLimit.burst", burst, `must be a whole number from 0 to ${MAX_BURST}`);
  if (!isWholeIn(spec.maxConnectionsPerUpstream, 1, MAX_CONNECTIONS_PER_UPSTREAM)) {
    fail("maxConnectionsPerUpstream", spec.maxConnectionsPerUpstream, `must be a whole number from 1 to ${MAX_CONNECTIONS_PER_UPSTREAM}`);
  }
  const sizeProblem = bodySizeProblem(spec.maxBodySize);
  if (sizeProblem) fail("maxBodySize", spec.maxBodySize, sizeProblem);
  if (!isWholeIn(spec.upstreamTimeoutSeconds, 1, MAX_UPSTREAM_TIMEOUT_SECONDS)) {
    fail("upstreamTimeoutSeconds", spec.upstreamTimeoutSeconds, `must be a whole number of seconds from 1 to ${MAX_UPSTREAM_TIMEOUT_SECONDS}`);
  }
  if (!isWholeIn(spec.keepaliveConnections, 1, spec.maxConnectionsPerUpstream)) {
    fail("keepaliveConnections", spec.keepaliveConnections, `must be a whole number from 1 to maxConnectionsPerUpstream (${spec.maxConnectionsPerUpstream}): idle connections beyond the cap are never used`);
  }
  if (!isWholeIn(spec.maxConnectionsPerClient, 1, MAX_CONNECTIONS_PER_UPSTREAM)) {
    fail("maxConnectionsPerClient", spec.maxConnectionsPerClient, `must be a whole number from 1 to ${MAX_CONNECTIONS_PER_UPSTREAM}`);
  }
  if (!isWholeIn(spec.maxConnectionsPerCredential, 1, MAX_CONNECTIONS_PER_UPSTREAM)) {
    fail("maxConnectionsPerCredential", spec.maxConnectionsPerCredential, `must be a whole number from 1 to ${MAX_CONNECTIONS_PER_UPSTREAM}`);
  }
  if (!isWholeIn(spec.maxBatchCalls, 1, MAX_BATCH_CALLS)) fail("maxBatchCalls", spec.maxBatchCalls, `must be a whole number from 1 to ${MAX_BATCH_CALLS}`);
  for (const key of ["headerSeconds", "bodySeconds", "sendSeconds"] as const) {
    if (!isWholeIn(spec.clientTimeouts[key], 1, MAX_CLIENT_TIMEOUT_SECONDS)) fail(`clientTimeouts.${key}`, spec.clientTimeouts[key], `must be a whole number of seconds from 1 to ${MAX_CLIENT_TIMEOUT_SECONDS}`);
  }
  if (!isWholeIn(spec.clientTimeouts.keepaliveSeconds, 1, MAX_CLIENT_KEEPALIVE_SECONDS)) {
    fail("clientTimeouts.keepaliveSeconds", spec.clientTimeouts.keepaliveSeconds, `must be a whole number of seconds from 1 to ${MAX_CLIENT_KEEPALIVE_SECONDS}`);
  }
  if (!isWholeIn(spec.workerConnections, 1, MAX_WORKER_CONNECTIONS)) fail("workerConnections", spec.workerConnections, `must be a whole number from 1 to ${MAX_WORKER_CONNECTIONS}`);
  if (!isWholeIn(spec.workerProcesses, 1, MAX_WORKER_PROCESSES)) {
    fail("workerProcesses", spec.workerProcesses, `must be a whole number from 1 to ${MAX_WORKER_PROCESSES}`);
  }
  if (!(spec.memoryLimitBytes > 0)) fail("memoryLimitBytes", spec.memoryLimitBytes, "must be a positive number of bytes");
  const capacity = proxyCapacityProblem({ ...spec, nodes: upstreamsOf(spec.routes).length }, (name) => `NginxConfigSpec.${name}`);
  if (capacity) throw new Error(capacity);
  if (spec.resolver !== undefined && (!RESOLVER_ARGS.test(spec.resolver) || spec.resolver.trim() === "")) {
    fail("resolver", spec.resolver, "is not an nginx resolver argument list (e.g. \"kube-dns.kube-system.svc.cluster.local valid=30s\")");
  }
}

/**
 * The longest a relay can last once its headers started: a stalled header and body read, the node's
 * timeout and a stalled answer. The pod's drain waits this long for relays in flight.
 */
export function longestRelaySeconds(spec: Pick<NginxConfigSpec, "clientTimeouts" | "upstreamTimeoutSeconds">): number {
  const t = spec.clientTimeouts;
  return t.headerSeconds + t.bodySeconds + spec.upstreamTimeoutSeconds + t.sendSeconds;
}

/** The routes grouped by blockchain node, in first-appearance order: one nginx upstream per node. */
export function upstreamsOf(routes: ProxyRoute[]): { blockchainNode: string; address: string }[] {
  const upstreams = new Map<string, string>();
  for (const route of routes) {
    if (!upstreams.has(route.blockchainNode)) upstreams.set(route.blockchainNode, `${route.upstreamHost}:${route.upstreamPort}`);
  }
  return [...upstreams].map(([blockchainNode, address]) => ({ blockchainNode, address }));
}
