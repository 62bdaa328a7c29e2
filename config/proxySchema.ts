/**
 * The proxy area of the stack config: the internal nginx proxy in prod that lets testnet
 * validators reach prod's blockchain nodes. Its bounds are validation/proxyLimits.ts's, the ones
 * the nginx config renderer enforces too.
 */
import { z } from "zod";
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
} from "../validation/proxyLimits";
import { allowList, boundedInt, checked, ipv4Address, name, positiveInt, RELAY_CHAIN_ID, resourcesSchema, USERNAME } from "./fields";

const proxyRouteSchema = z.strictObject({
  /** The relay chain ID the testnet validators use (testnet IDs differ from mainnet's). */
  relayChainId: z.string().regex(RELAY_CHAIN_ID, "is not a relay chain ID (4 hex digits, e.g. 0020)"),
  /** The prod blockchain node that serves it (a name in blockchainNodes). */
  blockchainNode: z.string(),
});

/** A container image pinned by digest: the bytes that were tested, not whatever a tag points at today. */
const PINNED_IMAGE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\.[a-z0-9-]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+@sha256:[0-9a-f]{64}$/;

const clientSeconds = boundedInt(1, MAX_CLIENT_TIMEOUT_SECONDS, " seconds");

export const blockchainProxySchema = z.strictObject({
  namespace: name("namespace").default("blockchain-proxy"),
  replicas: z.number().int("must be a whole number").min(2, "must be at least 2 (one pod may be disrupted at a time)").default(2),
  routes: z.array(proxyRouteSchema).min(1, "must route at least one relay chain ID"),
  /** CIDRs allowed to reach the proxy: the testnet cluster's node and pod ranges. */
  allowedSourceRanges: allowList,
  /** Region of the testnet cluster; another region than prod's needs the internal LB's global access. */
  clientRegion: z.string(),
  /** Static internal address of the load balancer, in the prod cluster's subnetwork. */
  internalIp: ipv4Address,
  /** Usernames allowed through basic auth; each needs a password in the secret config key proxyPasswords. */
  clients: z.array(z.string().regex(USERNAME, "is not a username (letters, digits, '.', '_', '-')")).min(1, "must list at least one client"),
  rateLimit: z.strictObject({ requestsPerSecond: boundedInt(1, MAX_REQUESTS_PER_SECOND), burst: boundedInt(0, MAX_BURST) }),
  /** Cap on concurrent relays per prod node (nginx limit_conn and max_conns). */
  maxConnectionsPerUpstream: boundedInt(1, MAX_CONNECTIONS_PER_UPSTREAM),
  /** One client's (source address's) share of a node's cap; at most half of it (validation/proxyLimits.ts). */
  maxConnectionsPerClient: boundedInt(1, MAX_CONNECTIONS_PER_UPSTREAM),
  /**
   * One client's (credential's) share of a node's cap, all its source addresses together; the
   * shares of all clients must fit the cap (validation/proxyLimits.ts). Default: the cap divided by the clients.
   */
  maxConnectionsPerCredential: boundedInt(1, MAX_CONNECTIONS_PER_UPSTREAM).optional(),
  /** JSON-RPC calls in one request; a larger batch gets 413 before it reaches a node. */
  maxBatchCalls: boundedInt(1, MAX_BATCH_CALLS).default(100),
  /** How long a client may stall: a header or body between two reads, an answer between two writes, an idle keep-alive. */
  clientTimeouts: z
    .strictObject({
      headerSeconds: clientSeconds,
      bodySeconds: clientSeconds,
      sendSeconds: clientSeconds,
      keepaliveSeconds: boundedInt(1, MAX_CLIENT_KEEPALIVE_SECONDS, " seconds"),
    })
    .default({ headerSeconds: 3, bodySeconds: 3, sendSeconds: 5, keepaliveSeconds: 30 }),
  /** nginx worker_connections per worker: the relays' connections and room for clients still sending headers. */
  workerConnections: boundedInt(1, MAX_WORKER_CONNECTIONS),
  /**
   * The proxy image by digest (<registry>/<path>@sha256:<64 hex>), written by the deploy workflow
   * after it builds docker/blockchain-proxy. Absent: previews show the unpinned build, `pulumi up` refuses.
   */
  image: z.string().regex(PINNED_IMAGE, "is not an image pinned by digest (<registry>/<path>@sha256:<64 hex digits>)").optional(),
  maxBodySize: z.string().superRefine(checked(bodySizeProblem)).default("1m"),
  upstreamTimeoutSeconds: boundedInt(1, MAX_UPSTREAM_TIMEOUT_SECONDS, " seconds").default(260),
  /** Idle connections kept per prod node and nginx worker; at most maxConnectionsPerUpstream. */
  keepaliveConnections: positiveInt.default(16),
  resources: resourcesSchema,
});
export type BlockchainProxyConfig = z.infer<typeof blockchainProxySchema>;
