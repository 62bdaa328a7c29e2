/** The reader of each resource type; types without one are classified free or unpriced. */
import { ResourceRecord } from "../../graph/resourceRecord";
import { RESOURCE_TYPES as TYPE } from "../../graph/resourceTypes";
import { ResourceReader } from "./reader";
import { readNodePool } from "./nodePool";
import { readCluster } from "./cluster";
import { readDisk } from "./disk";
import { readRegionDisk } from "./regionDisk";
import { readSnapshot } from "./snapshot";
import { readAddress } from "./address";
import { readForwardingRule } from "./forwardingRule";
import { readInstance } from "./instance";
import { readKubernetesService } from "./loadBalancerService";
import { readPersistentVolumeClaim } from "./persistentVolumeClaim";
import { readPersistentVolume } from "./persistentVolume";
import { readStatefulSet } from "./statefulSet";
import { classifyUnruledResource } from "./freeResources";

export const RESOURCE_READERS: Record<string, ResourceReader> = {
  [TYPE.nodePool]: readNodePool,
  [TYPE.cluster]: readCluster,
  [TYPE.disk]: readDisk,
  [TYPE.regionDisk]: readRegionDisk,
  [TYPE.snapshot]: readSnapshot,
  [TYPE.address]: readAddress,
  [TYPE.globalAddress]: readAddress,
  [TYPE.forwardingRule]: readForwardingRule,
  [TYPE.globalForwardingRule]: readForwardingRule,
  [TYPE.instance]: readInstance,
  [TYPE.k8sService]: readKubernetesService,
  [TYPE.k8sPersistentVolumeClaim]: readPersistentVolumeClaim,
  [TYPE.k8sPersistentVolume]: readPersistentVolume,
  [TYPE.k8sStatefulSet]: readStatefulSet,
};

export function readerForType(record: ResourceRecord): ResourceReader {
  return RESOURCE_READERS[record.type] ?? ((unruled) => classifyUnruledResource(unruled));
}
