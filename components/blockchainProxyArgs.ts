/**
 * The arguments of the BlockchainProxy component (components/blockchainProxy.ts): the internal
 * nginx proxy in prod that lets testnet validators reach prod's blockchain nodes. program/program.ts
 * maps the stack config's `blockchainProxy` key onto these.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { NginxConfigSpec } from "./nginxConfigSpec";

/** One relay chain ID the proxy routes, and the prod blockchain node that serves it. */
export interface ProxyRouteSpec {
  /** 4 hex digits, the ID the testnet validators use (testnet IDs differ from mainnet's). */
  relayChainId: string;
  /** The prod blockchain node that serves it (a name in `blockchainNodes`). */
  blockchainNode: string;
}

/**
 * The nginx settings that go into the rendered config as they are (nginxConfigSpec.ts documents
 * each): source ranges, limits, timeouts, sizes.
 */
type NginxSettings = Pick<
  NginxConfigSpec,
  | "allowedSourceRanges"
  | "rateLimit"
  | "maxConnectionsPerUpstream"
  | "maxConnectionsPerClient"
  | "maxBatchCalls"
  | "clientTimeouts"
  | "workerConnections"
  | "maxBodySize"
  | "upstreamTimeoutSeconds"
  | "keepaliveConnections"
>;

/** What the proxy is: where it runs, whom it lets in, its nginx settings and its pods. */
export interface ProxySpec extends NginxSettings {
  /** One client's (credential's) share of each node, all its addresses together; default: the cap divided by the clients. */
  maxConnectionsPerCredential?: number;
  /** The proxy's namespace. */
  namespace: string;
  /** Pods (at least 2: one may be disrupted at a time). */
  replicas: number;
  routes: ProxyRouteSpec[];
  /** Region of the clients; another region than prod's needs the internal load balancer's global access. */
  clientRegion: string;
  /** Static internal address of the load balancer, in the prod cluster's subnetwork. */
  internalIp: string;
  /** Usernames allowed in; each has a password in `passwords`. */
  clients: string[];
  /** The image pinned by digest; absent: previews show the unpinned build and `pulumi up` refuses. */
  image?: string;
  /** One pod's requests and limits (CPU cores, GiB); the memory limit bounds nginx's buffers, the CPU limit its workers. */
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
