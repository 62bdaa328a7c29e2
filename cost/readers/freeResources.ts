/**
 * Resources that cost nothing themselves, and the fallback for everything no reader knows. Free:
 * components, providers, stack plumbing, identities, networks, configuration, and Kubernetes
 * objects that only run on (already priced) node pools. Anything else that may carry a cost is
 * "unpriced with a reason", never a silent zero.
 */
import { ResourceRecord } from "../../graph/resourceRecord";
import { ReadOutcome } from "./reader";

/** GCP types with no charge of their own (the charge, if any, sits on another priced resource). */
const FREE_GCP_TYPES = new Set([
  "gcp:compute/network:Network",
  "gcp:compute/subnetwork:Subnetwork",
  "gcp:compute/firewall:Firewall",
  "gcp:compute/route:Route",
  "gcp:compute/router:Router",
  "gcp:sql/user:User",
  "gcp:sql/database:Database",
  "gcp:projects/service:Service",
  "gcp:kms/keyRing:KeyRing",
]);
const FREE_GCP_MODULES = ["gcp:serviceaccount/", "gcp:projects/", "gcp:organizations/", "gcp:iam/"];

/** Kubernetes API groups whose objects only configure the cluster or run on its nodes. */
const FREE_KUBERNETES_GROUPS = new Set([
  "core", "apps", "batch", "policy", "autoscaling", "autoscaling.k8s.io", "rbac.authorization.k8s.io",
  "networking.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
  "admissionregistration.k8s.io", "apiextensions.k8s.io", "certificates.k8s.io", "node.k8s.io", "monitoring.coreos.com",
]);
/** Objects in those groups that do make the cloud provision something billable. */
const COSTLY_KUBERNETES_TYPES: Record<string, string> = {
  "kubernetes:networking.k8s.io/v1:Ingress": "a GKE Ingress provisions an HTTP(S) load balancer whose rules are not in the graph",
  "kubernetes:networking.k8s.io/v1beta1:Ingress": "a GKE Ingress provisions an HTTP(S) load balancer whose rules are not in the graph",
};

/** Free, or unpriced with a reason, for a type that has no pricing rule. */
export function classifyUnruledResource(record: ResourceRecord): ReadOutcome {
  const type = record.type;
  if (type.startsWith("pulumi:providers:") || type.startsWith("pulumi:pulumi:")) return { status: "free" };
  if (!record.custom) return { status: "free", assumptions: ["component resource: its children are priced"] };
  if (type.startsWith("random:") || type.startsWith("tls:")) return { status: "free", assumptions: ["generated locally, no cloud resource"] };

  if (type.startsWith("gcp:")) {
    if (FREE_GCP_TYPES.has(type) || FREE_GCP_MODULES.some((module) => type.startsWith(module)) || /IAM(Member|Binding|Policy)$/.test(type)) {
      return { status: "free" };
    }
    return { status: "unpriced", unpricedReason: `no pricing rule for ${type} (may be cost-bearing)` };
  }

  if (type.startsWith("kubernetes:")) {
    if (COSTLY_KUBERNETES_TYPES[type]) return { status: "unpriced", unpricedReason: COSTLY_KUBERNETES_TYPES[type] };
    if (type.startsWith("kubernetes:helm.sh/")) {
      return { status: "unpriced", unpricedReason: "a Helm release creates objects outside the graph (load balancers, volumes) that cannot be priced" };
    }
    if (type.startsWith("kubernetes:yaml")) return { status: "free", assumptions: ["component resource: its children are priced"] };
    const group = type.split(":")[1]?.split("/")[0] ?? "";
    if (FREE_KUBERNETES_GROUPS.has(group)) return { status: "free", assumptions: ["runs on the cluster's node pools, priced there"] };
    return { status: "unpriced", unpricedReason: `custom resource of API group ${group}: it may provision cloud resources outside the graph` };
  }

  const provider = type.split(":")[0];
  if (provider === "aws" || provider === "awsx" || provider === "azure" || provider === "azure-native") {
    return { status: "unpriced", unpricedReason: `${provider} resources are outside the GCP price catalog` };
  }
  return { status: "unpriced", unpricedReason: `no pricing rule for ${type} (provider ${provider}; may be cost-bearing)` };
}
