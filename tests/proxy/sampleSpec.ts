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
    rateLimit: { requestsPerSecond: 50, burst: 100 },
    maxConnectionsPerUpstream: 32,
    maxBodySize: "1m",
    upstreamTimeoutSeconds: 260,
    keepaliveConnections: 16,
    ...overrides,
  };
}
