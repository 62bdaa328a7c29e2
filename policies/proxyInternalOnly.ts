/**
 * proxy-internal-only (resource, mandatory): a Kubernetes `LoadBalancer` Service must be GKE's
 * internal load balancer, reachable only from listed source ranges, and never fronted by an
 * external static address. The blockchain proxy gives testnet validators prod's nodes; on the
 * internet it would give them to everyone.
 *
 * The Service's own settings are checked per resource. Which `gcp.compute.Address` it uses is only
 * visible with the whole graph (a dependency, or the address value), so that part runs on the
 * stack under the same policy name.
 */
import { definePolicy, PolicyDefinition, Violation } from "./policyDefinition";
import { definePolicyConfig } from "./policyConfig";
import { PolicyResource, isPreviewUnknown, stringMapAt, valueAt } from "./resourceView";

export const SERVICE_TYPE = "kubernetes:core/v1:Service";
export const ADDRESS_TYPE = "gcp:compute/address:Address";
/** GKE's annotations that make a LoadBalancer Service internal (current, then legacy). */
const INTERNAL_LB_ANNOTATIONS = ["networking.gke.io/load-balancer-type", "cloud.google.com/load-balancer-type"];
/** GKE's annotation naming reserved addresses for the load balancer. */
const LB_ADDRESS_ANNOTATION = "networking.gke.io/load-balancer-ip-addresses";
const ANYWHERE = new Set(["0.0.0.0/0", "::/0"]);

export const proxyInternalOnlyConfig = definePolicyConfig({});

function isLoadBalancer(resource: PolicyResource): boolean {
  return resource.type === SERVICE_TYPE && valueAt(resource.props, "spec.type") === "LoadBalancer";
}

function checkService(resource: PolicyResource): Violation[] {
  if (!isLoadBalancer(resource)) return [];
  const violations: Violation[] = [];
  const annotations = stringMapAt(resource.props, "metadata.annotations") ?? {};
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
    const open = known.filter((r) => ANYWHERE.has(r.trim()));
    if (open.length) violations.push({ message: `Service ${resource.name} allows ${open.join(", ")} in loadBalancerSourceRanges: that is every address.` });
  }
  return violations;
}

function addressType(address: PolicyResource): unknown {
  // GCP's default address type is EXTERNAL.
  return valueAt(address.props, "addressType") ?? "EXTERNAL";
}

/** The Addresses a LoadBalancer Service uses: by dependency, by its loadBalancerIP, or by GKE's address annotation. */
function addressesOf(service: PolicyResource, addresses: PolicyResource[]): PolicyResource[] {
  const ip = valueAt(service.props, "spec.loadBalancerIP");
  const annotations = stringMapAt(service.props, "metadata.annotations") ?? {};
  const named = typeof annotations[LB_ADDRESS_ANNOTATION] === "string" ? (annotations[LB_ADDRESS_ANNOTATION] as string).split(",").map((n) => n.trim()) : [];
  return addresses.filter((address) => {
    if (service.dependencies.includes(address.urn)) return true;
    const value = valueAt(address.props, "address");
    if (typeof ip === "string" && !isPreviewUnknown(ip) && ip !== "" && value === ip) return true;
    const name = valueAt(address.props, "name");
    return named.includes(typeof name === "string" ? name : address.name);
  });
}

function checkLoadBalancerAddresses(resources: PolicyResource[]): Violation[] {
  const addresses = resources.filter((r) => r.type === ADDRESS_TYPE);
  const violations: Violation[] = [];
  for (const service of resources.filter(isLoadBalancer)) {
    for (const address of addressesOf(service, addresses)) {
      const kind = addressType(address);
      if (isPreviewUnknown(kind) || kind === "INTERNAL") continue;
      violations.push({
        urn: address.urn,
        message: `Service ${service.name} uses Address ${address.name} of type ${String(kind)}: its address must be INTERNAL (addressType: "INTERNAL" in the cluster's subnetwork).`,
      });
    }
  }
  return violations;
}

export const proxyInternalOnly: PolicyDefinition<Record<string, never>> = definePolicy({
  name: "proxy-internal-only",
  description: "A LoadBalancer Service must be internal (GKE annotation), limited to non-empty source ranges without 0.0.0.0/0, on an INTERNAL address.",
  enforcementLevel: "mandatory",
  config: proxyInternalOnlyConfig as unknown as PolicyDefinition<Record<string, never>>["config"],
  checkResource: (resource) => checkService(resource),
  checkStack: (resources) => ({ violations: checkLoadBalancerAddresses(resources) }),
  summarizeResources: (resources) => {
    const services = resources.filter(isLoadBalancer).map((s) => s.name);
    return services.length ? `internal load balancers: ${services.join(", ")}` : "no LoadBalancer Services";
  },
});
