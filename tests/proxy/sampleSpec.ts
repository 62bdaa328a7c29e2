/** A proxy spec with prod's settings (the committed Pulumi.prod.yaml values) for the renderer's pure tests. */
import { NginxConfigSpec, ProxyRoute } from "../../components/nginxConfigSpec";

/** A route to a prod blockchain node at its in-cluster Service address. */
export function routeTo(relayChainId: string, blockchainNode: string): ProxyRoute {
  return { relayChainId, blockchainNode, upstreamHost: `${blockchainNode}.blockchain.svc.cluster.local`, upstreamPort: 8545 };
}

export function sampleNginxSpec(routes: ProxyRoute[], overrides: Partial<NginxConfigSpec> = {}): NginxConfigSpec {
  return {
    listenPort: 8080,
    healthPort: 8081,
    routes,
    allowedSourceRanges: ["10.150.0.0/20", "10.48.0.0/14"],
    credentialsDir: "/etc/nginx/auth",
    configDir: "/etc/nginx/relay",
    rateLimit: { requestsPerSecond: 50, burst: 100 },
    maxConnectionsPerUpstream: 32,
    maxConnectionsPerClient: 8,
    // prod's one client: the whole cap.
    maxConnectionsPerCredential: 32,
    maxBatchCalls: 25,
    clientTimeouts: { headerSeconds: 3, bodySeconds: 3, sendSeconds: 5, keepaliveSeconds: 30 },
    workerConnections: 4096,
    workerProcesses: 1,
    memoryLimitBytes: 256 * 1024 * 1024,
    maxBodySize: "256k",
    upstreamTimeoutSeconds: 260,
    keepaliveConnections: 16,
    ...overrides,
  };
}
