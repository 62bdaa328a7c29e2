/**
 * proxy-internal-only (resource, mandatory): a Kubernetes `LoadBalancer` Service must be GKE's
 * internal load balancer, reachable only from listed source ranges, and never fronted by an
 * external static address. The blockchain proxy gives testnet validators prod's nodes; on the
 * internet it would give them to everyone.
 *
 * Everything is checked per resource (`Analyze`, before anything is created): the Service's
 * annotation and source ranges, its requested address (a public IP means an external address
 * fronts it), and any Address the proxy's cost-allocation label marks as the proxy's, which must be
 * INTERNAL. GCP itself refuses an external address on an internal forwarding rule; these checks
 * catch it at preview. Per resource keeps `AnalyzeStack` cheap: @pulumi/policy decodes the whole
 * stack again for every stack policy.
 */
import { RESOURCE_TYPES } from "../graph/resourceTypes";
import { allowListProblem, isPrivateAddress } from "../validation/cidr";
import { definePolicy, PolicyDefinition, Violation } from "./policyDefinition";
import { definePolicyConfig } from "./policyConfig";
import { PolicyResource } from "./resourceView";
import { isPreviewUnknown, mapAt, valueAt } from "../graph/valueReader";

export const SERVICE_TYPE = RESOURCE_TYPES.k8sService;
export const ADDRESS_TYPE = RESOURCE_TYPES.address;
/** GKE's annotations that make a LoadBalancer Service internal (current, then legacy). */
const INTERNAL_LB_ANNOTATIONS = ["networking.gke.io/load-balancer-type", "cloud.google.com/load-balancer-type"];

export const proxyInternalOnlyConfig = definePolicyConfig({});

function isLoadBalancer(resource: PolicyResource): boolean {
  return resource.type === SERVICE_TYPE && valueAt(resource.props, "spec.type") === "LoadBalancer";
}

function checkService(resource: PolicyResource): Violation[] {
  if (!isLoadBalancer(resource)) return [];
  const violations: Violation[] = [];
  const annotations = mapAt(resource.props, "metadata.annotations") ?? {};
  const internal = INTERNAL_LB_ANNOTATIONS.some((key) => typeof annotations[key] === "string" && (annotations[key] as string).toLowerCase() === "internal");
  const annotationUnknown = INTERNAL_LB_ANNOTATIONS.some((key) => isPreviewUnknown(annotations[key]));
  if (!internal && !annotationUnknown) {
    violations.push({
      message: `Service ${resource.name} is an external load balancer: annotate it "networking.gke.io/load-balancer-type": "Internal" so GKE gives it a VPC address, not an internet one.`,
    });
  }
  const ranges = valueAt(resource.props, "spec.loadBalancerSourceRanges");
  if (!isPreviewUnknown(ranges)) {
    const known = Array.isArray(ranges) ? ranges.filter((r): r is string => typeof r === "string") : [];
    if (known.length === 0) {
      violations.push({ message: `Service ${resource.name} has no loadBalancerSourceRanges: list the client ranges (the testnet cluster's), or every address that reaches the VPC can use it.` });
    }
    // The parser the stack config uses: `0.0.0.0/00`, `0.0.0.0/1` + `128.0.0.0/1` or a public range
    // are refused as plainly as `0.0.0.0/0`.
    const bad = known.length ? allowListProblem(known) : undefined;
    if (bad) {
      violations.push({ message: `Service ${resource.name} loadBalancerSourceRanges[${bad.index}] ${JSON.stringify(bad.value)} ${bad.problem}.` });
    }
  }
  return violations;
}

/** The component label the program puts on the proxy's resources (components/blockchainProxy.ts). */
const PROXY_COMPONENT = "blockchain-proxy";

/** RFC 1918, shared address space (RFC 6598) and IPv6 unique-local: what an internal load balancer gets (validation/cidr.ts). */

function checkServiceAddress(resource: PolicyResource): Violation[] {
  if (!isLoadBalancer(resource)) return [];
  const ip = valueAt(resource.props, "spec.loadBalancerIP");
  if (typeof ip !== "string" || ip === "" || isPreviewUnknown(ip) || isPrivateAddress(ip)) return [];
  return [{ message: `Service ${resource.name} asks for loadBalancerIP ${ip}, a public address: use an INTERNAL gcp.compute.Address in the cluster's subnetwork.` }];
}

function checkProxyAddress(resource: PolicyResource): Violation[] {
  if (resource.type !== ADDRESS_TYPE) return [];
  const labels = mapAt(resource.props, "labels") ?? {};
  if (labels.component !== PROXY_COMPONENT) return [];
  // GCP's default address type is EXTERNAL.
  const kind = valueAt(resource.props, "addressType") ?? "EXTERNAL";
  if (isPreviewUnknown(kind) || kind === "INTERNAL") return [];
  return [{ message: `Address ${resource.name} is the blockchain proxy's (label component=${PROXY_COMPONENT}) but of type ${String(kind)}: it must be INTERNAL (addressType: "INTERNAL" in the cluster's subnetwork).` }];
}

export const proxyInternalOnly: PolicyDefinition<Record<string, never>> = definePolicy({
  name: "proxy-internal-only",
  description: "A LoadBalancer Service must be internal (GKE annotation), limited to non-empty, canonical, private source ranges no broader than /8 (each and together), on an INTERNAL address.",
  enforcementLevel: "mandatory",
  config: proxyInternalOnlyConfig as unknown as PolicyDefinition<Record<string, never>>["config"],
  checkResource: (resource) => [...checkService(resource), ...checkServiceAddress(resource), ...checkProxyAddress(resource)],
  summarizeResources: (resources) => {
    const services = resources.filter(isLoadBalancer).map((s) => s.name);
    return services.length ? `internal load balancers: ${services.join(", ")}` : "no LoadBalancer Services";
  },
});
