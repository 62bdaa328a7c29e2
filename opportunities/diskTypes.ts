/**
 * pd-ssd outside prod: data disks and node boot disks of other stacks rarely need pd-ssd's IOPS,
 * and pd-balanced costs about 40 % less per GiB. Data disks that a stated workload mounts are
 * compared on their performance by diskOptions.ts instead.
 */
import { priceWhatIf } from "../cost/engine";
import { PriceCatalog } from "../catalog/catalog";
import { StackConfig } from "../config";
import type { PricedResource } from "../cost/model";
import { ResourceRecord } from "../graph/resourceRecord";
import { commandChange, configEdits, diskConfigKey, nodePoolConfigKey } from "./configKeys";
import { MINIMUM_MONTHLY_SAVING, Opportunity, StackFindings } from "./opportunity";
import { DISK_TYPES, NODE_POOL_TYPE } from "../graph/resourceTypes";
import { ShapeChange, withBootDiskType, withDiskType } from "./repricing";
import { disksWithStatedWorkload } from "./diskOptions";
import { money } from "../cost/money";
import { PRODUCTION_STACKS } from "./spotPools";

export const FROM_DISK_TYPE = "pd-ssd";
export const TO_DISK_TYPE = "pd-balanced";

export function diskTypeDowngrades(stack: string, resources: ResourceRecord[], priced: Map<string, PricedResource>, config: StackConfig | undefined, catalog: PriceCatalog): StackFindings {
  const findings: StackFindings = { opportunities: [], considered: [], warnings: [] };
  if (PRODUCTION_STACKS.has(stack)) return findings;
  const comparedElsewhere = disksWithStatedWorkload(resources);
  for (const record of resources) {
    if (comparedElsewhere.has(String(record.inputs.name ?? record.name))) continue;
    const current = priced.get(record.urn);
    if (!current || current.status !== "priced") continue;
    const isPool = record.type === NODE_POOL_TYPE;
    if (!isPool && !DISK_TYPES.has(record.type)) continue;
    const shape = current.shape;
    const storage = shape?.kind === "machineGroup" ? shape.bootDisk : shape?.kind === "diskStorage" ? shape : undefined;
    if (!shape || storage?.diskType !== FROM_DISK_TYPE) continue;
    const shapeChange: ShapeChange = isPool ? withBootDiskType(TO_DISK_TYPE) : withDiskType(TO_DISK_TYPE);
    const proposed = priceWhatIf(current, shapeChange, catalog);
    const saving = current.monthly - proposed.monthly;
    if (proposed.status !== "priced" || saving < MINIMUM_MONTHLY_SAVING) continue;
    const name = isPool ? record.name : String(record.inputs.name ?? record.name);
    const size = shape.kind === "machineGroup" ? `${storage.diskGb} GiB boot disks x ${shape.nodes}` : `${storage.diskGb} GiB`;
    const key = config ? (isPool ? nodePoolConfigKey(config, name) : diskConfigKey(config, name)) : undefined;
    const change: Opportunity["configChange"] = key
      ? configEdits(
          stack,
          [{ key: `${key}.${isPool ? "diskType" : "type"}`, value: TO_DISK_TYPE }],
          isPool ? "the pool's nodes are recreated with the new boot disk" : "GCE cannot change a disk's type in place: snapshot it, then recreate it as pd-balanced from the snapshot",
        )
      : commandChange(stack, `recreate ${name} as ${TO_DISK_TYPE} from a snapshot`, "no config key of this stack declares the disk");
    findings.opportunities.push({
      id: `${stack}/disk-type/${name}`,
      stack,
      kind: "disk-type",
      urn: record.urn,
      resource: name,
      monthlySaving: saving,
      currentMonthly: current.monthly,
      proposedMonthly: proposed.monthly,
      rationale: `${size} of ${FROM_DISK_TYPE} cost ${money(current.monthly)}/month in ${stack}; as ${TO_DISK_TYPE} ${money(proposed.monthly)}. Outside prod the IOPS of pd-ssd are rarely needed.`,
      configChange: change,
      countsTowardTotal: true,
    });
  }
  return findings;
}
