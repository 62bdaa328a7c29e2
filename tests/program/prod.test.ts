import { recordStack, RecordedStack } from "../../offline/recordStack";
import * as crypto from "crypto";
import { credentialsFingerprint } from "../../components/blockchainProxy";
import { all, find, plainStrings, secretValue } from "./recorded";
import { seedPoolOf } from "../../graph/seedPool";

const PASSWORD = "correct-horse-battery-staple-42";
let prod: RecordedStack;

beforeAll(async () => {
  prod = await recordStack("prod", {
    configOverrides: { proxyPasswords: { "testnet-validators": PASSWORD } },
    secretOverrides: ["proxyPasswords"],
  });
});

describe("prod: seed node pool", () => {
  it("is the configured machine type and count, with cost labels, taint and safe surge upgrades", () => {
    const pool = find(prod.resources, "gcp:container/nodePool:NodePool", "seeds");
    expect(pool.parent).toContain("SeedNodePool");
    expect(pool.inputs).toMatchObject({
      name: "seeds",
      cluster: "prod",
      location: "us-east1-b",
      nodeCount: 4,
      nodeConfig: {
        machineType: "n1-standard-2",
        diskType: "pd-balanced",
        diskSizeGb: 50,
        resourceLabels: { team: "infra", env: "prod", component: "pocket-seeds" },
        labels: { "pokt.network/role": "seed" },
        taints: [{ key: "pokt.network/role", value: "seed", effect: "NO_SCHEDULE" }],
      },
      management: { autoRepair: true },
      upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(pool.importId).toBe("projects/pokt-network-prod/locations/us-east1-b/clusters/prod/nodePools/seeds");
  });

  it("has a PodDisruptionBudget that keeps most seeds up", () => {
    const pdb = find(prod.resources, "kubernetes:policy/v1:PodDisruptionBudget", "pocket-seeds");
    expect(pdb.inputs).toMatchObject({
      metadata: { namespace: "pocket" },
      spec: { minAvailable: 7, selector: { matchLabels: { "app.kubernetes.io/name": "pocket-seed" } } },
    });
  });

  it("carries what the pool is for in the graph: the SeedNodePool component's inputs and the seeds' stated requests", () => {
    const seeds = seedPoolOf(prod.resources);
    const config = prod.config.stack === "prod" ? prod.config.seedPool : undefined;
    expect(seeds).toEqual({
      poolName: "seeds",
      seedReplicas: config?.seedReplicas,
      minAvailableSeeds: 7,
      seedNamespace: "pocket",
      podSelector: { "app.kubernetes.io/name": "pocket-seed" },
      requests: { cpu: config?.seedResources.cpuRequest, memoryGiB: config?.seedResources.memoryRequestGiB },
    });
    // Without the component (a graph from elsewhere), the reader says what is missing instead of guessing.
    expect(seedPoolOf(prod.resources.filter((r) => !r.type.endsWith(":SeedNodePool")))).toEqual({ missing: expect.stringContaining("no relay-budget:gke:SeedNodePool component") });
  });

  it("exports the pool's name, node count and shape", () => {
    expect(prod.outputs.seedPool).toEqual({ name: "seeds", nodeCount: 4, vcpuPerNode: 2, memoryGbPerNode: 7.5 });
  });

  it("an autoscaled pool declares the range and leaves the count to the autoscaler", async () => {
    const scaled = await recordStack("prod", {
      configOverrides: {
        seedPool: { ...prod.config.stack === "prod" && prod.config.seedPool, nodeCount: undefined, autoscaling: { minNodeCount: 4, maxNodeCount: 6 } },
      },
    });
    const pool = find(scaled.resources, "gcp:container/nodePool:NodePool", "seeds");
    expect(pool.inputs.autoscaling).toEqual({ minNodeCount: 4, maxNodeCount: 6 });
    expect(pool.inputs.nodeCount).toBeUndefined();
  });
});

describe("prod: cluster and adopted resources", () => {
  it("declares every node pool and blockchain data disk, adopted and (disks, cluster) protected", () => {
    const pools = all(prod.resources, "gcp:container/nodePool:NodePool").map((p) => p.name).sort();
    expect(pools).toEqual(["blockchain-nodes", "pocket-core", "seeds", "system"]);
    const cluster = find(prod.resources, "gcp:container/cluster:Cluster");
    expect(cluster.protect).toBe(true);
    expect(cluster.importId).toBe("projects/pokt-network-prod/locations/us-east1-b/clusters/prod");
    const disks = all(prod.resources, "gcp:compute/disk:Disk");
    expect(disks.map((d) => [d.name, d.inputs.type, d.inputs.size])).toEqual([
      ["geth-mainnet-data", "pd-ssd", 7348],
      ["geth-rinkeby-data", "pd-balanced", 700],
      ["geth-ropsten-data", "pd-balanced", 400],
      ["geth-goerli-data", "pd-balanced", 50],
      ["poa-kovan-data", "pd-ssd", 100],
      ["poa-xdai-data", "pd-balanced", 100],
      // The migration's new disk (step copy): created from the copy's snapshot, so nothing to import.
      ["geth-mainnet-data-pd-balanced", "pd-balanced", 7348],
    ]);
    for (const disk of disks) {
      expect(disk.protect).toBe(true);
      if (disk.name === "geth-mainnet-data-pd-balanced") expect(disk.importId).toBeUndefined();
      else expect(disk.importId).toMatch(/^projects\/pokt-network-prod\/zones\/us-east1-b\/disks\//);
    }
  });
});

describe("prod: blockchain proxy", () => {
  it("is an internal load balancer limited to the testnet ranges, on a static internal address", () => {
    const service = find(prod.resources, "kubernetes:core/v1:Service", "blockchain-proxy");
    expect(service.inputs).toMatchObject({
      metadata: { namespace: "blockchain-proxy", annotations: { "networking.gke.io/load-balancer-type": "Internal" } },
      spec: {
        type: "LoadBalancer",
        loadBalancerIP: "10.142.0.250",
        loadBalancerSourceRanges: ["10.150.0.0/20", "10.48.0.0/14"],
        externalTrafficPolicy: "Local",
        ports: [{ port: 8545, targetPort: "proxy" }],
      },
    });
    // Same region: no global access needed.
    expect((service.inputs as any).metadata.annotations).not.toHaveProperty("networking.gke.io/internal-load-balancer-allow-global-access");
    const address = find(prod.resources, "gcp:compute/address:Address", "blockchain-proxy-ip");
    expect(address.inputs).toMatchObject({ addressType: "INTERNAL", address: "10.142.0.250", region: "us-east1", subnetwork: "prod-us-east1" });
  });

  it("asks for global access when the testnet cluster is in another region", async () => {
    const proxy = prod.config.stack === "prod" ? prod.config.blockchainProxy! : undefined;
    const other = await recordStack("prod", { configOverrides: { blockchainProxy: { ...proxy, clientRegion: "us-central1" } } });
    const service = find(other.resources, "kubernetes:core/v1:Service", "blockchain-proxy");
    expect((service.inputs as any).metadata.annotations["networking.gke.io/internal-load-balancer-allow-global-access"]).toBe("true");
  });

  it("lets in only the testnet ranges on the proxy port, and out only to blockchain nodes and DNS", () => {
    const policy = find(prod.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "blockchain-proxy");
    expect(policy.inputs.spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "blockchain-proxy", "app.kubernetes.io/part-of": "relay-budget" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ ipBlock: { cidr: "10.150.0.0/20" } }, { ipBlock: { cidr: "10.48.0.0/14" } }], ports: [{ protocol: "TCP", port: 8080 }] }],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "blockchain" } } }], ports: [{ protocol: "TCP", port: 8545 }] },
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        },
      ],
    });
  });

  it("runs 2 hardened, probed, spread replicas with requests and limits", () => {
    const deployment = find(prod.resources, "kubernetes:apps/v1:Deployment", "blockchain-proxy");
    const spec = (deployment.inputs as any).spec;
    expect(spec.replicas).toBe(2);
    const pod = spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101 });
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "kubernetes.io/hostname", maxSkew: 1 });
    const [container] = pod.containers;
    // No digest in the committed config: a preview shows the unpinned build (pulumi up refuses it, tests/proxy/image.test.ts).
    expect(container.image).toBe("us-east1-docker.pkg.dev/pokt-network-prod/relay-budget/blockchain-proxy:unpinned");
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.resources).toEqual({ requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "health" });
    // Liveness off the connection path: a flooded proxy is not restarted.
    expect(container.livenessProbe).toMatchObject({ exec: { command: ["/bin/sh", "-c", 'kill -0 "$(cat /tmp/nginx.pid)"'] } });
    expect(container.livenessProbe.httpGet).toBeUndefined();
    find(prod.resources, "kubernetes:policy/v1:PodDisruptionBudget", "blockchain-proxy");
  });

  it("routes each testnet relay chain ID to its prod node in the nginx config", () => {
    const configMap = find(prod.resources, "kubernetes:core/v1:ConfigMap", "blockchain-proxy-config");
    const conf = (configMap.inputs as any).data["nginx.conf"] as string;
    for (const [id, node] of [["0020", "geth-goerli"], ["0022", "geth-rinkeby"], ["0023", "geth-ropsten"]]) {
      expect(conf).toContain(`/${id}`);
      expect(conf).toContain(`${node}.blockchain.svc.cluster.local:8545`);
    }
    expect(conf).toContain("include /etc/nginx/auth/client-credentials.conf;");
    expect(conf).not.toMatch(/^\s*auth_basic/m);
  });

  it("keeps the basic-auth credentials secret: in a Secret, never in a ConfigMap or output", () => {
    const secret = find(prod.resources, "kubernetes:core/v1:Secret", "blockchain-proxy-credentials");
    const files = secretValue((secret.inputs as any).stringData) as Record<string, string>;
    const header = `Basic ${Buffer.from(`testnet-validators:${PASSWORD}`).toString("base64")}`;
    expect(files).toEqual({ "client-credentials.conf": `if ($http_authorization = "${header}") {\n    set $relay_user "testnet-validators";\n}\n` });
    const encoded = Buffer.from(PASSWORD).toString("base64").slice(0, 16);
    for (const resource of prod.resources) {
      expect(plainStrings(resource.inputs).some((s) => s.includes(PASSWORD) || s.includes(header) || s.includes(encoded))).toBe(false);
    }
    expect(JSON.stringify(prod.outputs)).not.toContain(PASSWORD);
    expect(JSON.stringify(prod.outputs)).not.toContain(header);
  });

  it("rolls the proxy pods when a credential changes (nginx reads the maps only at start), with a slow one-way digest", async () => {
    const annotations = (stack: RecordedStack) => (find(stack.resources, "kubernetes:apps/v1:Deployment", "blockchain-proxy").inputs as any).spec.template.metadata.annotations;
    const before = annotations(prod);
    const digest = before["relay-budget/credentials-scrypt"];
    // Plain (a secret would make the whole Deployment spec secret), and not a plain hash of the maps.
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    const secret = find(prod.resources, "kubernetes:core/v1:Secret", "blockchain-proxy-credentials");
    const files = secretValue((secret.inputs as any).stringData) as Record<string, string>;
    expect(digest).toBe(credentialsFingerprint(files, "pokt-network-prod/blockchain-proxy"));
    expect(digest).not.toBe(crypto.createHash("sha256").update(JSON.stringify(Object.entries(files).sort())).digest("hex"));
    const again = await recordStack("prod", { configOverrides: { proxyPasswords: { "testnet-validators": PASSWORD } }, secretOverrides: ["proxyPasswords"] });
    expect(annotations(again)["relay-budget/credentials-scrypt"]).toBe(digest);
    const rotated = await recordStack("prod", {
      configOverrides: { proxyPasswords: { "testnet-validators": `${PASSWORD}-rotated` } },
      secretOverrides: ["proxyPasswords"],
    });
    const after = annotations(rotated);
    expect(after["relay-budget/credentials-scrypt"]).not.toBe(digest);
    // The nginx.conf did not change: only the credentials roll the pods.
    expect(after["relay-budget/config-sha256"]).toBe(before["relay-budget/config-sha256"]);
  });

  it("exports the proxy address and a URL per relay chain ID", () => {
    expect(prod.outputs.proxyAddress).toBe("10.142.0.250");
    expect(prod.outputs.proxyUrls).toEqual({
      "0020": "http://10.142.0.250:8545/0020",
      "0022": "http://10.142.0.250:8545/0022",
      "0023": "http://10.142.0.250:8545/0023",
    });
  });
});
