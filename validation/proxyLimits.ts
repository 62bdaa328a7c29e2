/**
 * The bounds of the blockchain proxy's settings: what nginx 1.22 and the pod can really run. Shared
 * by stack config validation (config/) and the nginx config renderer (components/nginxConfig.ts),
 * so a value that validates is one nginx starts with (tests/proxy/bounds.test.ts runs `nginx -t`
 * on the config rendered at each bound).
 */

/** Cap on concurrent requests per prod node. limit_conn refuses 65536 and more; each relay holds a client and an upstream connection. */
export const MAX_CONNECTIONS_PER_UPSTREAM = 4096;
/**
 * nginx's worker_connections is rendered from the caps (see `workerConnections`); past this one
 * worker's connection table (about 500 bytes a slot, allocated at start) outgrows a small pod.
 */
export const MAX_WORKER_CONNECTIONS = 65535;
/** Largest request body nginx is given: bodies are held in memory whole (the memory check below bounds the product). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Longest upstream timeout: an hour (nginx keeps timers in milliseconds; no relay waits longer). */
export const MAX_UPSTREAM_TIMEOUT_SECONDS = 3600;
/** Rate and burst: nginx stores them times 1000 in a machine word; beyond this no limit is a limit. */
export const MAX_REQUESTS_PER_SECOND = 100_000;
export const MAX_BURST = 100_000;
/** nginx worker processes: one per CPU of the pod's limit. */
export const MAX_WORKER_PROCESSES = 64;
/** Proxy client names (the config's usernames) and their passwords: far beyond any real one, short enough that each client's credential check stays one short line of the Secret. */
export const MAX_CLIENT_NAME_LENGTH = 64;
export const MAX_PASSWORD_LENGTH = 128;
/** Connections beyond the relays' own that workerConnections must leave: handshakes, refused clients, idle keep-alives, probes. */
export const MIN_SPARE_WORKER_CONNECTIONS = 256;
/** JSON-RPC calls in one request: a batch of more is refused before it reaches a node. */
export const MAX_BATCH_CALLS = 10_000;
/** Client-side timeouts (header, body, send): pocket-core gives up on a relay after 3 s, so a minute is already generous. */
export const MAX_CLIENT_TIMEOUT_SECONDS = 60;
export const MAX_CLIENT_KEEPALIVE_SECONDS = 300;

/**
 * The memory nginx may hold, as the renderer sets it (nginxConfig.ts writes these sizes): per client
 * connection its pool, header buffer and at most the large header buffers; per relay in flight its
 * body (one buffer, never a file), the script's strings (its copy of the body, the stripped text and
 * the count's reductions: three times the body and a slack), and the answer's proxy buffers.
 */
export const BUFFERS = {
  connectionPool: 512,
  requestPool: 4096,
  clientHeader: 1024,
  largeClientHeaders: { count: 4, size: 4096 },
  proxyBuffer: 8192,
  proxyBuffers: { count: 8, size: 8192 },
} as const;
/**
 * What the relay script's count may allocate beyond the body's length (components/nginxConfigScript.ts):
 * a small body's nested objects take a few passes, each a little shorter than the last.
 */
export const REDUCTION_SLACK_BYTES = 64 * 1024;
/** nginx's own connection and two event structures per slot (about 400 bytes on 64-bit), rounded up. */
const CONNECTION_STRUCT_BYTES = 512;
/** Per-process base: nginx, its njs VM and libraries (inferred: about 8 MiB RSS per process on Debian's 1.22, doubled for margin). */
const PROCESS_BASE_BYTES = 16 * 1024 * 1024;
/** The shared memory zones the config declares: rate 10m, two connection zones of 1m, 64k per upstream. */
export const ZONES = { rate: "10m", nodeConcurrency: "1m", clientConcurrency: "1m", credentialConcurrency: "1m", upstreamBytes: 64 * 1024 } as const;

/** The worst memory one client connection holds before it is a relay: a full header in the large buffers. */
export const CONNECTION_MEMORY_BYTES =
  CONNECTION_STRUCT_BYTES + BUFFERS.connectionPool + BUFFERS.requestPool + BUFFERS.clientHeader + BUFFERS.largeClientHeaders.count * BUFFERS.largeClientHeaders.size;

/** The worst memory of one relay in flight: nginx's body buffer, the script's strings (three times the body and a slack) and the answer's buffers. */
export function relayMemoryBytes(maxBodyBytes: number): number {
  return 4 * maxBodyBytes + REDUCTION_SLACK_BYTES + BUFFERS.proxyBuffer + BUFFERS.proxyBuffers.count * BUFFERS.proxyBuffers.size;
}

/** The settings the proxy's capacity rules read, under either name space (stack config or nginx spec). */
export interface ProxyCapacity {
  /** Prod blockchain nodes routed (one upstream each). */
  nodes: number;
  maxConnectionsPerUpstream: number;
  maxConnectionsPerClient: number;
  /** One credential's share of each node, all its source addresses together. */
  maxConnectionsPerCredential: number;
  /** Credentials that may relay (the config's clients); unknown to the renderer, which checks the rest. */
  clients?: number;
  keepaliveConnections: number;
  workerConnections: number;
  workerProcesses: number;
  maxBodySize: string;
  memoryLimitBytes: number;
}

/**
 * One credential's share of a node when the config does not set it: the node's cap divided among
 * the clients, so every client at its share fits the cap together (with one client, the whole cap).
 */
export function connectionsPerCredential(maxConnectionsPerUpstream: number, clients: number): number {
  return Math.max(1, Math.floor(maxConnectionsPerUpstream / Math.max(1, clients)));
}

/** A credential's share of each node: the config's, else the default (`connectionsPerCredential`). */
export function credentialShareOf(proxy: { maxConnectionsPerCredential?: number; maxConnectionsPerUpstream: number; clients: readonly unknown[] }): number {
  return proxy.maxConnectionsPerCredential ?? connectionsPerCredential(proxy.maxConnectionsPerUpstream, proxy.clients.length);
}

/** Connections the relays hold at most on one worker: every capped relay's two and every node's idle pool. */
export function relayConnections(nodes: number, maxConnectionsPerUpstream: number, keepaliveConnections: number): number {
  return nodes * (2 * maxConnectionsPerUpstream + keepaliveConnections);
}

/** The worst case of what nginx holds in memory with these settings, by part. */
export function proxyWorstMemory(p: ProxyCapacity): { connections: number; relays: number; base: number; total: number } {
  const connections = p.workerProcesses * p.workerConnections * CONNECTION_MEMORY_BYTES;
  const relays = p.nodes * p.maxConnectionsPerUpstream * relayMemoryBytes(nginxSizeBytes(p.maxBodySize) ?? MAX_BODY_BYTES);
  const zones = [ZONES.rate, ZONES.nodeConcurrency, ZONES.clientConcurrency, ZONES.credentialConcurrency].reduce((sum, size) => sum + nginxSizeBytes(size)!, 0) + p.nodes * ZONES.upstreamBytes;
  const base = (p.workerProcesses + 1) * PROCESS_BASE_BYTES + zones;
  return { connections, relays, base, total: connections + relays + base };
}

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${Math.ceil(bytes / MIB)} MiB`;

/**
 * The proxy's cross-checks, in one place (the stack config's rules and the nginx renderer both call
 * it): a source address's share leaves the others at least half a node's cap; the credentials'
 * shares together fit the cap (so no credential, from however many addresses, takes another's); workerConnections holds
 * the relays and spare room; and the worst case of held buffers fits the pod's memory limit.
 * `field` names a setting as the caller's input calls it. Returns the first problem as one line.
 */
export function proxyCapacityProblem(p: ProxyCapacity, field: (name: keyof ProxyCapacity) => string): string | undefined {
  const half = Math.floor(p.maxConnectionsPerUpstream / 2);
  if (p.maxConnectionsPerClient > half) {
    return `${field("maxConnectionsPerClient")} ${p.maxConnectionsPerClient} must be at most half of maxConnectionsPerUpstream ${p.maxConnectionsPerUpstream} (${half}): one client at its share must leave the others at least as much of a node`;
  }
  if (p.maxConnectionsPerCredential > p.maxConnectionsPerUpstream) {
    return `${field("maxConnectionsPerCredential")} ${p.maxConnectionsPerCredential} must be at most maxConnectionsPerUpstream ${p.maxConnectionsPerUpstream}`;
  }
  if (p.clients !== undefined && p.clients * p.maxConnectionsPerCredential > p.maxConnectionsPerUpstream) {
    return (
      `${field("maxConnectionsPerCredential")} ${p.maxConnectionsPerCredential} × ${p.clients} clients is more than maxConnectionsPerUpstream ${p.maxConnectionsPerUpstream}: ` +
      `every client at its share must fit a node's cap, so no client is refused because others hold it (at most ${connectionsPerCredential(p.maxConnectionsPerUpstream, p.clients)})`
    );
  }
  const needed = relayConnections(p.nodes, p.maxConnectionsPerUpstream, p.keepaliveConnections) + MIN_SPARE_WORKER_CONNECTIONS;
  if (p.workerConnections < needed) {
    return `${field("workerConnections")} ${p.workerConnections} is below the ${needed} one worker may need (${p.nodes} prod nodes × (2 × maxConnectionsPerUpstream ${p.maxConnectionsPerUpstream} + keepaliveConnections ${p.keepaliveConnections}) + ${MIN_SPARE_WORKER_CONNECTIONS} spare)`;
  }
  const memory = proxyWorstMemory(p);
  if (memory.total > p.memoryLimitBytes) {
    return (
      `${field("memoryLimitBytes")} ${mib(p.memoryLimitBytes)} is below the proxy's worst case of ${mib(memory.total)}: ` +
      `${p.workerProcesses * p.workerConnections} connections (${mib(memory.connections)}), ${p.nodes * p.maxConnectionsPerUpstream} relays with maxBodySize ${p.maxBodySize} (${mib(memory.relays)}), base ${mib(memory.base)}; ` +
      "lower workerConnections, maxBodySize or maxConnectionsPerUpstream, or raise the memory limit"
    );
  }
  return undefined;
}

/** nginx size syntax as accepted here: a decimal without leading zeros, optional k or m. */
const NGINX_SIZE = /^([1-9][0-9]{0,9})([kKmM]?)$/;

/** The bytes of an nginx size ("1m", "512k", "2048"), or undefined when it is not one. */
export function nginxSizeBytes(size: string): number | undefined {
  const match = NGINX_SIZE.exec(size);
  if (!match) return undefined;
  return Number(match[1]) * ({ "": 1, k: 1024, m: 1024 * 1024 } as Record<string, number>)[match[2].toLowerCase()];
}

/** Why a body size is not allowed, or undefined. */
export function bodySizeProblem(size: string): string | undefined {
  const bytes = nginxSizeBytes(size);
  if (bytes === undefined) return "is not an nginx size (digits without leading zeros, optional k or m, e.g. 512k or 1m)";
  if (bytes > MAX_BODY_BYTES) return `is more than ${MAX_BODY_BYTES / 1024 / 1024}m (each body is held in memory whole)`;
  return undefined;
}

