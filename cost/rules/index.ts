/** The pricing rule of each resource type; types without one are classified free or unpriced. */
import { ResourceRecord } from "../../graph/resourceRecord";
import { RESOURCE_TYPES as TYPE } from "../../graph/resourceTypes";
import { PricingRule } from "./pricingRule";
import { priceNodePool } from "./nodePool";
import { priceCluster } from "./cluster";
import { priceDisk } from "./disk";
import { priceRegionDisk } from "./regionDisk";
import { priceSnapshot } from "./snapshot";
import { priceAddress } from "./address";
import { priceForwardingRule } from "./forwardingRule";
import { priceInstance } from "./instance";
import { priceKubernetesService } from "./loadBalancerService";
import { pricePersistentVolumeClaim } from "./persistentVolumeClaim";
import { pricePersistentVolume } from "./persistentVolume";
import { priceStatefulSet } from "./statefulSet";
import { classifyUnruledResource } from "./freeResources";

export const PRICING_RULES: Record<string, PricingRule> = {
  [TYPE.nodePool]: priceNodePool,
  [TYPE.cluster]: priceCluster,
  [TYPE.disk]: priceDisk,
  [TYPE.regionDisk]: priceRegionDisk,
  [TYPE.snapshot]: priceSnapshot,
  [TYPE.address]: priceAddress,
  [TYPE.globalAddress]: priceAddress,
  [TYPE.forwardingRule]: priceForwardingRule,
  [TYPE.globalForwardingRule]: priceForwardingRule,
  [TYPE.instance]: priceInstance,
  [TYPE.k8sService]: priceKubernetesService,
  [TYPE.k8sPersistentVolumeClaim]: pricePersistentVolumeClaim,
  [TYPE.k8sPersistentVolume]: pricePersistentVolume,
  [TYPE.k8sStatefulSet]: priceStatefulSet,
};

export function ruleForType(record: ResourceRecord): PricingRule {
  return PRICING_RULES[record.type] ?? ((unruled) => classifyUnruledResource(unruled));
}
