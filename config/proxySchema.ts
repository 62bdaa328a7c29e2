/**
 * The proxy area of the stack config: the internal nginx proxy in prod that lets testnet
 * validators reach prod's blockchain nodes. Its bounds are validation/proxyLimits.ts's, the ones
 * the nginx config renderer enforces too.
 */
import { z } from "zod";
import { bodySizeProblem, MAX_BURST, MAX_CONNECTIONS_PER_UPSTREAM, MAX_REQUESTS_PER_SECOND, MAX_UPSTREAM_TIMEOUT_SECONDS } from "../validation/proxyLimits";
import { allowList, boundedInt, checked, ipv4Address, name, positiveInt, RELAY_CHAIN_ID, resourcesSchema, USERNAME } from "./fields";

const proxyRouteSchema = z.strictObject({
  /** The relay chain ID the testnet validators use (testnet IDs differ from mainnet's). */
  relayChainId: z.string().regex(RELAY_CHAIN_ID, "is not a relay chain ID (4 hex digits, e.g. 0020)"),
  /** The prod blockchain node that serves it (a name in blockchainNodes). */
  blockchainNode: z.string(),
});

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
  maxBodySize: z.string().superRefine(checked(bodySizeProblem)).default("1m"),
  upstreamTimeoutSeconds: boundedInt(1, MAX_UPSTREAM_TIMEOUT_SECONDS, " seconds").default(260),
  /** Idle connections kept per prod node and nginx worker; at most maxConnectionsPerUpstream. */
  keepaliveConnections: positiveInt.default(16),
  resources: resourcesSchema,
});
export type BlockchainProxyConfig = z.infer<typeof blockchainProxySchema>;
