/**
 * The internal proxy in prod that lets testnet validators use prod's blockchain nodes: nginx
 * routing `/<relayChainId>` to the prod node serving it, reachable only from the testnet
 * cluster's ranges through an internal load balancer, behind basic-auth credentials, with per-client rate
 * limits and a cap on connections to each prod node so testnet traffic can never starve prod.
 *
 * nginx rather than HAProxy: it is what node runners fronted their chains with (INFRA.md), it
 * answers an unreachable upstream with 502 and a slow one with 504 as pocket-core expects, and
 * every error can carry a JSON body.
 */
import * as crypto from "crypto";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES } from "../graph/componentTypes";
import { withLegacyTypeAlias } from "./componentType";
import type { BlockchainProxyArgs } from "./blockchainProxyArgs";
import { renderCredentialChecks } from "./credentialChecks";
import { renderNginxConfig } from "./nginxConfig";
import { longestRelaySeconds, NginxConfigSpec, ProxyRoute } from "./nginxConfigSpec";
import { RELAY_SCRIPT, RELAY_SCRIPT_FILE } from "./nginxConfigScript";
import { cpuQuantity, memoryQuantity } from "../validation/kubernetesQuantity";
import { credentialShareOf } from "../validation/proxyLimits";

/**
 * Where the deploy workflow pushes the image built from docker/blockchain-proxy (Debian bookworm's
 * nginx and njs at the versions tests/proxy run). The stack config pins it by digest.
 */
export function proxyImageRepository(region: string, project: string): string {
  return `${region}-docker.pkg.dev/${project}/relay-budget/blockchain-proxy`;
}
/** The tag a preview shows before the deploy workflow has written the digest; `pulumi up` refuses it. */
export const UNPINNED_TAG = "unpinned";
/** The non-root user the image creates for nginx (docker/blockchain-proxy/Dockerfile), as the tests run it. */
export const PROXY_UID = 101;
/** Seconds the pod keeps serving after it is marked terminating, while the load balancer and endpoints drop it. */
export const DRAIN_DELAY_SECONDS = 5;
export const PROXY_PORT = 8080;
export const HEALTH_PORT = 8081;
/** The port clients use, as for the blockchain nodes themselves. */
export const SERVICE_PORT = 8545;
export const CONFIG_DIR = "/etc/nginx/relay";
const CREDENTIALS_DIR = "/etc/nginx/auth";
/** The Secret with the proxy clients' credential checks (components/credentialChecks.ts). */
export const CREDENTIALS_SECRET = "blockchain-proxy-credentials";

/** The nginx spec the component renders: pure, so the proxy tests run exactly this text. */
export function proxyNginxSpec(args: Pick<BlockchainProxyArgs, "proxy" | "blockchainNodes">): NginxConfigSpec {
  const nodes = new Map(args.blockchainNodes.map((n) => [n.name, n]));
  const routes: ProxyRoute[] = args.proxy.routes.map((route) => {
    const node = nodes.get(route.blockchainNode);
    if (!node) throw new Error(`blockchainProxy.routes: ${route.blockchainNode} is not a blockchain node`);
    return {
      relayChainId: route.relayChainId,
      blockchainNode: node.name,
      upstreamHost: `${node.name}.${node.namespace}.svc.cluster.local`,
      upstreamPort: node.port,
    };
  });
  return {
    listenPort: PROXY_PORT,
    healthPort: HEALTH_PORT,
    routes,
    allowedSourceRanges: args.proxy.allowedSourceRanges,
    credentialsDir: CREDENTIALS_DIR,
    configDir: CONFIG_DIR,
    rateLimit: args.proxy.rateLimit,
    maxConnectionsPerUpstream: args.proxy.maxConnectionsPerUpstream,
    maxConnectionsPerClient: args.proxy.maxConnectionsPerClient,
    maxConnectionsPerCredential: credentialShareOf(args.proxy),
    maxBatchCalls: args.proxy.maxBatchCalls,
    clientTimeouts: args.proxy.clientTimeouts,
    workerConnections: args.proxy.workerConnections,
    memoryLimitBytes: args.proxy.resources.memoryLimitGiB * 2 ** 30,
    maxBodySize: args.proxy.maxBodySize,
    upstreamTimeoutSeconds: args.proxy.upstreamTimeoutSeconds,
    keepaliveConnections: args.proxy.keepaliveConnections,
    // "auto" would start a worker per node CPU, each with its own idle pool, whatever the pod's limit.
    workerProcesses: Math.max(1, Math.ceil(args.proxy.resources.cpuLimit)),
  };
}

/**
 * A one-way digest of the credential files (the checks nginx includes) that changes whenever they do: scrypt (N=2^15, r=8, p=1,
 * 32 MiB a guess), so that testing guessed passwords against it is as slow as against a stretched
 * password hash. Deterministic: the same credentials give the same digest, so no roll without a change.
 */
export function credentialsFingerprint(files: Record<string, string>, salt: string): string {
  const text = JSON.stringify(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return crypto.scryptSync(text, `relay-budget blockchain-proxy credentials\0${salt}`, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }).toString("hex");
}

/**
 * True in a `pulumi up` run by the engine: not a preview, and the engine's monitor address is set
 * (the language host passes it as PULUMI_NODEJS_MONITOR; the offline recorder's mocks do not).
 */
function isEngineUpdate(): boolean {
  return !pulumi.runtime.isDryRun() && process.env.PULUMI_NODEJS_MONITOR !== undefined;
}

/** The URL testnet validators put in chains.json for a relay chain ID. */
export function proxyUrl(address: string, relayChainId: string): string {
  return `http://${address}:${SERVICE_PORT}/${relayChainId}`;
}

export class BlockchainProxy extends pulumi.ComponentResource {
  /** The static internal address of the proxy's load balancer. */
  public readonly address: pulumi.Output<string>;
  /** Relay chain ID -> the URL testnet validators use. */
  public readonly urls: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: BlockchainProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    // The serialisable args go along (the secret passwords and the provider stay out), so the recorded state carries them.
    const { passwords: _passwords, provider: _provider, ...serialisable } = args;
    super(COMPONENT_TYPES.blockchainProxy, name, { ...serialisable }, withLegacyTypeAlias("blockchainProxy", opts));
    const k8sOpts = { parent: this, provider: args.provider };
    const proxy = args.proxy;
    const appLabels = { "app.kubernetes.io/name": "blockchain-proxy", "app.kubernetes.io/part-of": "relay-budget" };
    const namespace = proxy.namespace;

    new k8s.core.v1.Namespace("blockchain-proxy", { metadata: { name: namespace, labels: appLabels } }, k8sOpts);

    const credentialChecks = pulumi.secret(
      pulumi.output(args.passwords).apply((passwords) =>
        renderCredentialChecks(proxy.clients.map((username) => ({ username, password: passwords[username] }))),
      ),
    );
    new k8s.core.v1.Secret(
      CREDENTIALS_SECRET,
      { metadata: { name: CREDENTIALS_SECRET, namespace, labels: appLabels }, type: "Opaque", stringData: credentialChecks },
      k8sOpts,
    );
    // nginx reads the credential file only at start: a credential change must roll the pods, through an
    // annotation of the pod template. It cannot be a Pulumi secret: a secret anywhere in `spec` makes
    // the whole `spec` secret (render, the cost review and the policy pack would see "[secret]" for
    // replicas, resources and all). So it is a digest that costs an attacker who reads it what an
    // htpasswd hash would: scrypt, salted per project and namespace.
    const credentialsDigest = pulumi.unsecret(credentialChecks.apply((files) => credentialsFingerprint(files, `${args.project}/${namespace}`)));
    const spec = proxyNginxSpec(args);
    const nginxConf = renderNginxConfig(spec);
    new k8s.core.v1.ConfigMap(
      "blockchain-proxy-config",
      { metadata: { name: "blockchain-proxy-config", namespace, labels: appLabels }, data: { "nginx.conf": nginxConf, [RELAY_SCRIPT_FILE]: RELAY_SCRIPT } },
      k8sOpts,
    );
    // The image that runs must be the digest the deploy workflow built and wrote into the stack
    // config; a preview without it shows the unpinned build, an update refuses before any proxy change.
    if (proxy.image === undefined && isEngineUpdate()) {
      throw new Error(
        "blockchainProxy.image is not set: pulumi up runs only a proxy image pinned by digest (the deploy workflow builds docker/blockchain-proxy and sets it)",
      );
    }
    const image = proxy.image ?? `${proxyImageRepository(args.region, args.project)}:${UNPINNED_TAG}`;
    // Relays in flight may finish after the drain delay: nginx quits gracefully within the longest relay.
    const drainSeconds = DRAIN_DELAY_SECONDS + longestRelaySeconds(spec);

    new k8s.apps.v1.Deployment(
      "blockchain-proxy",
      {
        metadata: { name: "blockchain-proxy", namespace, labels: appLabels },
        spec: {
          replicas: proxy.replicas,
          selector: { matchLabels: appLabels },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: {
              labels: appLabels,
              // A config change rolls the pods: a mounted ConfigMap alone would not reload nginx.
              // A credential change rolls them too (nginx reads the credential checks only at start).
              annotations: {
                "relay-budget/config-sha256": crypto.createHash("sha256").update(nginxConf).update(RELAY_SCRIPT).digest("hex"),
                "relay-budget/credentials-scrypt": credentialsDigest,
              },
            },
            spec: {
              automountServiceAccountToken: false,
              securityContext: { runAsNonRoot: true, runAsUser: PROXY_UID, runAsGroup: PROXY_UID, fsGroup: PROXY_UID, seccompProfile: { type: "RuntimeDefault" } },
              // The preStop drain, then nginx's graceful quit within the longest relay, then a margin.
              terminationGracePeriodSeconds: drainSeconds + 10,
              // One replica per node, spread across nodes, so a node loss keeps the proxy up.
              topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: appLabels } },
              ],
              containers: [
                {
                  name: "nginx",
                  image,
                  // -e stderr: nginx's own log before it reads the config (the root filesystem is read-only).
                  command: ["nginx", "-e", "stderr", "-c", `${CONFIG_DIR}/nginx.conf`, "-g", "daemon off;"],
                  ports: [
                    { name: "proxy", containerPort: PROXY_PORT, protocol: "TCP" },
                    { name: "health", containerPort: HEALTH_PORT, protocol: "TCP" },
                  ],
                  resources: {
                    requests: { cpu: cpuQuantity(proxy.resources.cpuRequest), memory: memoryQuantity(proxy.resources.memoryRequestGiB) },
                    limits: { cpu: cpuQuantity(proxy.resources.cpuLimit), memory: memoryQuantity(proxy.resources.memoryLimitGiB) },
                  },
                  // Readiness asks nginx over HTTP: a proxy that cannot take connections leaves the load balancer.
                  readinessProbe: { httpGet: { path: "/healthz", port: "health" }, periodSeconds: 5, failureThreshold: 2 },
                  // Liveness asks whether the master process lives, off the connection path: a proxy
                  // that is only flooded with connections is not restarted (and its relays lost).
                  livenessProbe: { exec: { command: ["/bin/sh", "-c", 'kill -0 "$(cat /tmp/nginx.pid)"'] }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
                  // Keep serving while the load balancer and endpoints drop the pod, then quit gracefully
                  // (SIGQUIT: relays in flight finish; SIGTERM would cut them) and wait for the exit.
                  lifecycle: {
                    preStop: {
                      exec: {
                        command: [
                          "/bin/sh",
                          "-c",
                          `sleep ${DRAIN_DELAY_SECONDS}; kill -QUIT "$(cat /tmp/nginx.pid)"; while [ -e /tmp/nginx.pid ]; do sleep 1; done`,
                        ],
                      },
                    },
                  },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [
                    { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                    { name: "credentials", mountPath: CREDENTIALS_DIR, readOnly: true },
                    // nginx's pid file and temp paths: the root file system is read-only.
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: "blockchain-proxy-config" } },
                { name: "credentials", secret: { secretName: CREDENTIALS_SECRET, defaultMode: 0o440 } },
                // Only the pid file and nginx's empty temp directories: bodies and answers stay in memory.
                { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
              ],
            },
          },
        },
      },
      k8sOpts,
    );

    const address = new gcp.compute.Address(
      "blockchain-proxy-ip",
      {
        name: "blockchain-proxy-ip",
        project: args.project,
        region: args.region,
        subnetwork: args.subnetwork,
        addressType: "INTERNAL",
        address: proxy.internalIp,
        labels: { ...args.labels, component: "blockchain-proxy" },
      },
      { parent: this },
    );
    this.address = address.address;

    const globalAccess = proxy.clientRegion !== args.region;
    new k8s.core.v1.Service(
      "blockchain-proxy",
      {
        metadata: {
          name: "blockchain-proxy",
          namespace,
          labels: appLabels,
          annotations: {
            // An internal passthrough load balancer: an address in the VPC, never on the internet.
            "networking.gke.io/load-balancer-type": "Internal",
            ...(globalAccess ? { "networking.gke.io/internal-load-balancer-allow-global-access": "true" } : {}),
          },
        },
        spec: {
          type: "LoadBalancer",
          loadBalancerIP: address.address,
          loadBalancerSourceRanges: proxy.allowedSourceRanges,
          // Keep the client's address so nginx's allow list and rate limits see the real client.
          externalTrafficPolicy: "Local",
          selector: appLabels,
          ports: [{ name: "proxy", port: SERVICE_PORT, targetPort: "proxy", protocol: "TCP" }],
        },
      },
      k8sOpts,
    );

    new k8s.networking.v1.NetworkPolicy(
      "blockchain-proxy",
      {
        metadata: { name: "blockchain-proxy", namespace, labels: appLabels },
        spec: {
          podSelector: { matchLabels: appLabels },
          policyTypes: ["Ingress", "Egress"],
          ingress: [
            {
              from: proxy.allowedSourceRanges.map((cidr) => ({ ipBlock: { cidr } })),
              ports: [{ protocol: "TCP", port: PROXY_PORT }],
            },
          ],
          egress: [
            {
              to: [...new Set(args.blockchainNodes.map((n) => n.namespace))].map((ns) => ({
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
              })),
              ports: [...new Set(args.blockchainNodes.map((n) => n.port))].map((port) => ({ protocol: "TCP", port })),
            },
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                },
              ],
              ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
              ],
            },
          ],
        },
      },
      k8sOpts,
    );

    new k8s.policy.v1.PodDisruptionBudget(
      "blockchain-proxy",
      { metadata: { name: "blockchain-proxy", namespace, labels: appLabels }, spec: { maxUnavailable: 1, selector: { matchLabels: appLabels } } },
      k8sOpts,
    );

    this.urls = this.address.apply((ip) => Object.fromEntries(proxy.routes.map((r) => [r.relayChainId, proxyUrl(ip, r.relayChainId)])));
    this.registerOutputs({ address: this.address, urls: this.urls });
  }
}
