/**
 * Every data disk a stated workload mounts (prod's blockchain nodes too), against each
 * persistent-disk type: its price as the engine prices it and the IOPS and throughput it gives at
 * that size on the VM the workload runs on (Google's per-GiB rates, capped per VM by the node's
 * machine type). A cheaper type that meets what the workload needs is an opportunity; one that gives
 * less is an option with its risk, never counted. When the config states no need, the need is what
 * the disk delivers today, so any loss of performance shows as a risk.
 */
import { priceWhatIf } from "../cost/engine";
import { PriceCatalog } from "../catalog/catalog";
import { COMPARED_DISK_TYPES, DiskPerformance, PERFORMANCE_FIELDS, diskPerformance, instanceCaps, loadDiskPerformance } from "../catalog/diskPerformance";
import { statedDemandOf, type StatedPodGroup } from "../graph/statedPodGroup";
import { StackConfig } from "../config";
import type { PricedResource } from "../cost/model";
import { ResourceRecord } from "../graph/resourceRecord";
import { commandChange, configEdits, diskConfigKey } from "./configKeys";
import { DiskReview, MINIMUM_MONTHLY_SAVING, StackFindings } from "./opportunity";
import { NODE_POOL_TYPE, RESOURCE_TYPES } from "../graph/resourceTypes";
import { withDiskType } from "./repricing";
import { diskMigrationsOf } from "../graph/diskMigration";
import { money } from "../cost/money";
import { poolShape } from "./rightsizing";

export const DATA_DISK_TYPE = RESOURCE_TYPES.disk;

const FIELD_NAMES: Record<(typeof PERFORMANCE_FIELDS)[number], string> = { readIops: "read IOPS", writeIops: "write IOPS", readMiBps: "read MiB/s", writeMiBps: "write MiB/s" };

export function describePerformance(p: Partial<DiskPerformance>): string {
  return PERFORMANCE_FIELDS.filter((f) => p[f] !== undefined)
    .map((f) => `${Math.round(p[f]!).toLocaleString("en-US")} ${FIELD_NAMES[f]}`)
    .join(", ");
}

/** The disk's stated workload and the pool it runs on, from the graph's stated demand. */
function statedMounts(resources: ResourceRecord[]): Map<string, { pool: string; workload: StatedPodGroup }> {
  const mounts = new Map<string, { pool: string; workload: StatedPodGroup }>();
  for (const [pool, workloads] of Object.entries(statedDemandOf(resources))) {
    for (const workload of workloads) if (workload.dataDisk) mounts.set(workload.dataDisk.name, { pool, workload });
  }
  return mounts;
}

export function diskOptions(stack: string, resources: ResourceRecord[], priced: Map<string, PricedResource>, config: StackConfig | undefined, catalog: PriceCatalog): StackFindings {
  const findings: StackFindings = { opportunities: [], considered: [], warnings: [], disks: [] };
  const performance = loadDiskPerformance();
  const mounts = statedMounts(resources);
  const pools = new Map(resources.filter((r) => r.type === NODE_POOL_TYPE).map((r) => [String(r.inputs.name ?? r.name), r]));
  const migrating = new Map(diskMigrationsOf(resources).map((m) => [m.disk, m]));
  for (const record of resources.filter((r) => r.type === DATA_DISK_TYPE)) {
    const current = priced.get(record.urn);
    const name = String(record.inputs.name ?? record.name);
    const migration = migrating.get(name);
    if (migration) {
      // Adopted: the stack file declares the move, so it is no longer an opportunity.
      findings.considered.push({ stack, kind: "disk-type", resource: name, note: `moving to ${migration.toType} as ${migration.newDisk} (in progress, at step ${migration.step}): adopted in the stack file` });
      continue;
    }
    const mount = mounts.get(name);
    const disk = current?.status === "priced" && current.shape?.kind === "diskStorage" ? current.shape : undefined;
    if (!current || !disk || !mount) continue;
    const consider = (note: string) => findings.considered.push({ stack, kind: "disk-type", resource: name, note });
    const pool = pools.get(mount.pool);
    const shape = poolShape(pool ? priced.get(pool.urn) : undefined, catalog);
    const machine = shape ? catalog.machineTypes[shape.machineType] : undefined;
    if (!shape || !machine) {
      consider(`its workload ${mount.workload.name} runs on pool ${mount.pool}, whose machine type is not priced: the VM's disk caps are unknown`);
      continue;
    }
    const currentType = disk.diskType;
    const sizeGb = disk.diskGb;
    const delivered = (diskType: string) => {
      const caps = instanceCaps(performance, machine.family, machine.vcpu, diskType);
      return caps ? diskPerformance(performance, diskType, sizeGb, caps) : undefined;
    };
    const now = delivered(currentType);
    if (!now) {
      consider(`no published per-VM disk caps for ${shape.machineType} (${machine.family}, ${machine.vcpu} vCPU) and ${currentType} in ${performance.source.split(":")[0]}: not compared`);
      continue;
    }
    const stated = mount.workload.dataDisk?.needs;
    const need: Partial<DiskPerformance> = stated && Object.keys(stated).length ? stated : now;
    const needFrom = stated && Object.keys(stated).length ? `stated in config ${mount.workload.configKey}.dataDisk.needs` : `not stated (config ${mount.workload.configKey}.dataDisk.needs): taken as what the ${currentType} disk gives today`;
    const review: DiskReview = {
      stack,
      disk: name,
      sizeGb,
      currentType,
      currentMonthly: current.monthly,
      workload: mount.workload.name,
      pool: mount.pool,
      machineType: shape.machineType,
      need,
      needFrom,
      options: [],
    };
    findings.disks!.push(review);
    const key = config ? diskConfigKey(config, name) : undefined;
    for (const diskType of COMPARED_DISK_TYPES) {
      const gives = delivered(diskType);
      if (!gives) continue;
      const proposed = diskType === currentType ? current : priceWhatIf(current, withDiskType(diskType), catalog);
      if (proposed.status !== "priced") continue;
      const lower = PERFORMANCE_FIELDS.filter((f) => need[f] !== undefined && gives[f] + 1e-9 < need[f]!);
      review.options.push({ diskType, monthly: proposed.monthly, performance: gives, lower: lower.map((f) => FIELD_NAMES[f]) });
      const saving = current.monthly - proposed.monthly;
      if (diskType === currentType || saving < MINIMUM_MONTHLY_SAVING) continue;
      const figures = `${sizeGb.toLocaleString("en-US")} GiB on ${shape.machineType}: ${currentType} gives ${describePerformance(now)} for ${money(current.monthly)}/month; ${diskType} gives ${describePerformance(gives)} for ${money(proposed.monthly)}`;
      const risk = lower.length
        ? `less performance than the workload's need (${needFrom}): ${lower.map((f) => `${FIELD_NAMES[f]} ${Math.round(gives[f]).toLocaleString("en-US")} < ${Math.round(need[f]!).toLocaleString("en-US")}`).join(", ")}`
        : undefined;
      findings.opportunities.push({
        id: `${stack}/disk-type/${name}/${diskType}`,
        stack,
        kind: "disk-type",
        urn: record.urn,
        resource: name,
        monthlySaving: saving,
        currentMonthly: current.monthly,
        proposedMonthly: proposed.monthly,
        rationale: `${figures}${lower.length ? "." : `, as much as the workload needs (${needFrom}) at this VM's caps.`}`,
        configChange: key
          ? configEdits(stack, [{ key: `${key}.type`, value: diskType }], `GCE cannot change a disk's type in place: snapshot ${name}, stop ${mount.workload.name}, recreate the disk as ${diskType} from the snapshot (it reads slower until its blocks are fetched), then set the type and pulumi up`)
          : commandChange(stack, `recreate ${name} as ${diskType} from a snapshot`, "no config key of this stack declares the disk"),
        countsTowardTotal: risk === undefined,
        ...(risk ? { risk } : {}),
      });
    }
  }
  return findings;
}

/** Disks this analysis covers: the older rule (pd-ssd outside prod) leaves them to it. */
export function disksWithStatedWorkload(resources: ResourceRecord[]): Set<string> {
  return new Set(statedMounts(resources).keys());
}
