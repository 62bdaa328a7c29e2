/**
 * N1 node pools moved to the E2 or N2D machine of the same vCPU count and memory class
 * (n1-standard-4 -> e2-standard-4, n2d-standard-4). Both sides are priced by the engine, so N1's
 * sustained-use discount is counted: at list prices with it N1 is often the cheaper one, and then
 * the analysis says so instead of proposing a swap.
 */
import { priceWhatIf } from "../cost/engine";
import { PriceCatalog } from "../catalog/catalog";
import { StackConfig } from "../config";
import type { PricedResource } from "../cost/model";
import { ResourceRecord } from "../graph/resourceRecord";
import { commandChange, configEdits, nodePoolConfigKey } from "./configKeys";
import { MINIMUM_MONTHLY_SAVING, StackFindings } from "./opportunity";
import { NODE_POOL_TYPE } from "../graph/resourceTypes";
import { withMachineType } from "./repricing";
import { money } from "../cost/money";
import { poolShape } from "./rightsizing";

/** Source family -> the families it may move to at equal shape. */
export const EQUAL_SHAPE_TARGETS: Record<string, string[]> = { n1: ["e2", "n2d"] };

/** The machine types of the target families with the same class and vCPU count, at least as much memory, sold in the region. */
export function equalShapeTargets(catalog: PriceCatalog, machineType: string, region: string): string[] {
  const match = /^([a-z0-9]+)-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  const source = catalog.machineTypes[machineType];
  if (!match || !source) return [];
  return (EQUAL_SHAPE_TARGETS[match[1]] ?? [])
    .map((family) => `${family}-${match[2]}-${match[3]}`)
    .filter((target) => {
      const machine = catalog.machineTypes[target];
      return machine?.prices[region] !== undefined && machine.vcpu === source.vcpu && machine.memoryGb >= source.memoryGb;
    });
}

function sustainedUse(catalog: PriceCatalog, machineType: string): string {
  const family = catalog.machineTypes[machineType]?.family ?? "";
  const discount = catalog.sustainedUseDiscount[family] ?? 0;
  return discount > 0 ? `${Math.round(discount * 100)} % sustained-use discount` : "no sustained-use discount";
}

export function familySwaps(stack: string, resources: ResourceRecord[], priced: Map<string, PricedResource>, config: StackConfig | undefined, catalog: PriceCatalog): StackFindings {
  const findings: StackFindings = { opportunities: [], considered: [], warnings: [] };
  for (const record of resources.filter((r) => r.type === NODE_POOL_TYPE)) {
    const current = priced.get(record.urn);
    const shape = poolShape(current, catalog);
    if (!shape || !current) continue;
    const targets = equalShapeTargets(catalog, shape.machineType, shape.region);
    if (targets.length === 0) continue;
    const options = targets
      .map((target) => ({ target, priced: priceWhatIf(current, withMachineType(target), catalog) }))
      .sort((a, b) => a.priced.monthly - b.priced.monthly || a.target.localeCompare(b.target));
    const pool = record.name;
    const figures = options.map((o) => `${o.target} ${money(o.priced.monthly)} (${sustainedUse(catalog, o.target)})`).join(", ");
    const best = options[0];
    const saving = current.monthly - best.priced.monthly;
    const currentText = `${shape.nodes} x ${shape.machineType} cost ${money(current.monthly)}/month with its ${sustainedUse(catalog, shape.machineType)}`;
    if (saving < MINIMUM_MONTHLY_SAVING) {
      findings.considered.push({ stack, kind: "family-swap", resource: pool, note: `no saving at equal shape: ${currentText}; ${figures}` });
      continue;
    }
    const key = config ? nodePoolConfigKey(config, pool) : undefined;
    findings.opportunities.push({
      id: `${stack}/family-swap/${pool}`,
      stack,
      kind: "family-swap",
      urn: record.urn,
      resource: pool,
      monthlySaving: saving,
      currentMonthly: current.monthly,
      proposedMonthly: best.priced.monthly,
      rationale: `${currentText}; the same count of ${best.target} costs ${money(best.priced.monthly)} (${figures}).`,
      configChange: key
        ? configEdits(stack, [{ key: `${key}.machineType`, value: best.target }], "GKE replaces the nodes one surge node at a time (upgradeSettings maxSurge 1)")
        : commandChange(stack, `set nodeConfig.machineType ${best.target} on node pool ${pool}`, "no config key of this stack declares the pool"),
      countsTowardTotal: true,
    });
  }
  return findings;
}
