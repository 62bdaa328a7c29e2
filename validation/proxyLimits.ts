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
/** Largest request body: bodies over 64k are buffered in the pod's /tmp, a 64Mi in-memory volume. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Longest upstream timeout: an hour (nginx keeps timers in milliseconds; no relay waits longer). */
export const MAX_UPSTREAM_TIMEOUT_SECONDS = 3600;
/** Rate and burst: nginx stores them times 1000 in a machine word; beyond this no limit is a limit. */
export const MAX_REQUESTS_PER_SECOND = 100_000;
export const MAX_BURST = 100_000;
/** nginx worker processes: one per CPU of the pod's limit. */
export const MAX_WORKER_PROCESSES = 64;
/** Proxy client names (the config's usernames) and their passwords: the credential map's keys must fit nginx's map hash bucket. */
export const MAX_CLIENT_NAME_LENGTH = 64;
export const MAX_PASSWORD_LENGTH = 128;
/** Clients refused at 401/403/404/413/429/503 and health probes also hold connections: room for them beside the relays. */
export const SPARE_WORKER_CONNECTIONS = 1024;

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
  if (bytes > MAX_BODY_BYTES) return `is more than ${MAX_BODY_BYTES / 1024 / 1024}m (bodies over 64k are buffered in the pod's 64Mi in-memory /tmp)`;
  return undefined;
}

/**
 * worker_connections for a proxy with `upstreams` prod nodes: every capped relay's two connections,
 * the idle keepalive pools, and spare room for refused clients. All of it may land on one worker.
 */
export function workerConnections(upstreams: number, maxConnectionsPerUpstream: number, keepaliveConnections: number): number {
  return upstreams * (2 * maxConnectionsPerUpstream + keepaliveConnections) + SPARE_WORKER_CONNECTIONS;
}
