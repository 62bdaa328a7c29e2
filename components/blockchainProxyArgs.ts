/**
 * The arguments of the BlockchainProxy component (components/blockchainProxy.ts): the internal
 * nginx proxy in prod that lets testnet validators reach prod's blockchain nodes. program/program.ts
 * maps the stack config's `blockchainProxy` key onto these.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ClientTimeouts } from "./nginxConfigSpec";

/** One relay chain ID the proxy routes, and the prod blockchain node that serves it. */
export interface ProxyRouteSpec {
  /** 4 hex digits, the ID the testnet validators use (testnet IDs differ from mainnet's). */
  relayChainId: string;
  /** The prod blockchain node that serves it (a name in `blockchainNodes`). */
  blockchainNode: string;
}

/** What the proxy is: where it runs, whom it lets in, its limits and its pods. */
export interface ProxySpec {
  /** The proxy's namespace. */
  namespace: string;
  /** Pods (at least 2: one may be disrupted at a time). */
  replicas: number;
  routes: ProxyRouteSpec[];
  /** CIDRs allowed to reach the proxy: the testnet cluster's node and pod ranges. */
  allowedSourceRanges: string[];
  /** Region of the clients; another region than prod's needs the internal load balancer's global access. */
  clientRegion: string;
  /** Static internal address of the load balancer, in the prod cluster's subnetwork. */
  internalIp: string;
  /** Usernames allowed in; each has a password in `passwords`. */
  clients: string[];
  /** Per client and route; burst requests are served at once, beyond it 429. */
  rateLimit: { requestsPerSecond: number; burst: number };
  /** Cap on concurrent relays per prod node (nginx limit_conn and max_conns). */
  maxConnectionsPerUpstream: number;
  /** One client's (source address's) share of a node's cap. */
  maxConnectionsPerClient: number;
  /** JSON-RPC calls in one request; a larger batch gets 413 before it reaches a node. */
  maxBatchCalls: number;
  /** How long a client may stall: a header or body between two reads, an answer between two writes, an idle keep-alive. */
  clientTimeouts: ClientTimeouts;
  /** nginx worker_connections per worker. */
  workerConnections: number;
  /** The image pinned by digest; absent: previews show the unpinned build and `pulumi up` refuses. */
  image?: string;
  /** nginx size of the largest request body, e.g. "1m"; beyond it 413. */
  maxBodySize: string;
  /** How long a node may take to answer; beyond it 504. */
  upstreamTimeoutSeconds: number;
  /** Idle connections kept per prod node and nginx worker. */
  keepaliveConnections: number;
  /** One pod's requests and limits (CPU cores, GiB). */
  resources: { cpuRequest: number; cpuLimit: number; memoryRequestGiB: number; memoryLimitGiB: number };
}

export interface BlockchainProxyArgs {
  proxy: ProxySpec;
  /** Prod blockchain nodes the routes may name: node -> its Service (namespace, port). */
  blockchainNodes: { name: string; namespace: string; port: number }[];
  /** Secret: basic-auth password per client username. */
  passwords: pulumi.Input<Record<string, string>>;
  /** The GCP project id. */
  project: string;
  /** The prod cluster's region (global access is needed when the clients are elsewhere). */
  region: string;
  /** Subnetwork of the internal load balancer's address (the prod cluster's). */
  subnetwork: string;
  /** team and env cost-allocation labels. */
  labels: { team: string; env: string };
  /** The prod cluster's Kubernetes provider. */
  provider: k8s.Provider;
}
