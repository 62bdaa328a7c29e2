/**
 * The arithmetic every GCP pricer shares: machine hours (with the sustained-use discount or
 * the spot price), persistent disk and local SSD GiB-months. Pricers describe a shape's parts;
 * this module knows how the catalog prices each part.
 */
import { PriceCatalog } from "../../catalog/catalog";
import type { CostComponent, CostCategory } from "../model";
import { CustomMachineShape, parseCustomMachineType } from "./customMachineType";

/** A local SSD partition on GCE is always 375 GiB. */
export const LOCAL_SSD_GIB = 375;

/** Either the priced part or the outcome that explains why it could not be priced. */
export type PartOrReason<T> = { ok: true; part: T } | { ok: false; reason: string };

export function component(name: string, quantity: number, unit: string, unitPrice: number, category: CostCategory): CostComponent {
  return { name, quantity, unit, unitPrice, monthly: quantity * unitPrice, category };
}

export interface MachineHours {
  component: CostComponent;
  family: string;
  vcpu: number;
  memoryGb: number;
}

/**
 * A month of `nodes` machines. On-demand gets the family's sustained-use discount (a node pool's
 * nodes run all month); spot and preemptible machines are billed at the spot hourly price.
 */
export function machineHours(catalog: PriceCatalog, machineType: string, region: string, nodes: number, spot: boolean, field: string): PartOrReason<MachineHours> {
  const machine = catalog.machineTypes[machineType];
  if (!machine) {
    const custom = parseCustomMachineType(machineType);
    if (custom) return customMachineHours(catalog, machineType, custom, region, nodes, spot);
    // An odd machine type leaves this resource unpriced; it never stops the estimate of the rest.
    return { ok: false, reason: `unknown machine type "${machineType}" (${field}: not in the price catalog of ${catalog.date}, nor a custom machine type)` };
  }
  const price = machine.prices[region];
  if (!price) {
    return { ok: false, reason: `machine type ${machineType} has no price in region ${region} in the catalog` };
  }
  const hours = nodes * catalog.hoursPerMonth;
  if (spot) {
    if (price.hourSpot === null) {
      return { ok: false, reason: `machine type ${machineType} has no spot price in region ${region}` };
    }
    return { ok: true, part: { component: component(`Instance usage (${machineType}, spot)`, hours, "hours", price.hourSpot, "compute"), family: machine.family, vcpu: machine.vcpu, memoryGb: machine.memoryGb } };
  }
  const discount = catalog.sustainedUseDiscount[machine.family] ?? 0;
  const label = discount > 0 ? `on-demand, ${Math.round(discount * 100)} % sustained-use discount` : "on-demand";
  return {
    ok: true,
    part: { component: component(`Instance usage (${machineType}, ${label})`, hours, "hours", price.hour * (1 - discount), "compute"), family: machine.family, vcpu: machine.vcpu, memoryGb: machine.memoryGb },
  };
}

/**
 * A custom machine type: vCPUs x the family's custom vCPU rate + GiB x its custom memory rate per
 * hour, with the family's sustained-use discount on demand, or the spot rates. Unpriced, with the
 * reason, when the catalog has no custom rates for the family or region.
 */
function customMachineHours(catalog: PriceCatalog, machineType: string, shape: CustomMachineShape, region: string, nodes: number, spot: boolean): PartOrReason<MachineHours> {
  const familyRates = catalog.customMachineRates?.[shape.family];
  if (!familyRates) {
    const priced = Object.keys(catalog.customMachineRates ?? {}).map((f) => f.toUpperCase()).join(", ") || "none";
    return { ok: false, reason: `custom machine type ${machineType}: the catalog has no ${shape.family.toUpperCase()} custom vCPU/memory rates (families with rates: ${priced})` };
  }
  const rates = familyRates[region];
  if (!rates) return { ok: false, reason: `custom machine type ${machineType}: no ${shape.family.toUpperCase()} custom rates for region ${region} in the catalog` };
  const hours = nodes * catalog.hoursPerMonth;
  const base = { family: shape.family, vcpu: shape.vcpu, memoryGb: shape.memoryGib };
  if (spot) {
    if (rates.vcpuHourSpot === null || rates.memoryGibHourSpot === null) {
      return { ok: false, reason: `custom machine type ${machineType} has no spot rates in region ${region}` };
    }
    const hourly = shape.vcpu * rates.vcpuHourSpot + shape.memoryGib * rates.memoryGibHourSpot;
    return { ok: true, part: { ...base, component: component(`Instance usage (${machineType}: ${shape.vcpu} vCPU + ${shape.memoryGib} GiB, spot)`, hours, "hours", hourly, "compute") } };
  }
  const discount = catalog.sustainedUseDiscount[shape.family] ?? 0;
  const hourly = (shape.vcpu * rates.vcpuHour + shape.memoryGib * rates.memoryGibHour) * (1 - discount);
  const label = discount > 0 ? `, ${Math.round(discount * 100)} % sustained-use discount` : "";
  return { ok: true, part: { ...base, component: component(`Instance usage (${machineType}: ${shape.vcpu} vCPU x ${rates.vcpuHour}/h + ${shape.memoryGib} GiB x ${rates.memoryGibHour}/h${label})`, hours, "hours", hourly, "compute") } };
}

/** The note a report carries when a sustained-use discount was applied. */
export function sustainedUseNote(catalog: PriceCatalog, family: string, spot: boolean): string | undefined {
  const discount = catalog.sustainedUseDiscount[family] ?? 0;
  if (spot) return "spot/preemptible nodes priced at the spot hourly rate (no sustained-use discount)";
  return discount > 0
    ? `${family} on-demand price includes the ${Math.round(discount * 100)} % sustained-use discount for running all month`
    : `${family} gets no sustained-use discount: full on-demand price`;
}

/** `gib` GiB of a persistent disk type (or `count` such disks) for a month. */
export function diskStorage(catalog: PriceCatalog, diskType: string, region: string, gib: number, count: number, name: string): PartOrReason<CostComponent> {
  const perGibMonth = catalog.disks[diskType]?.[region];
  if (perGibMonth === undefined) {
    const reason = catalog.disks[diskType] ? `disk type ${diskType} has no price in region ${region} in the catalog` : `disk type ${diskType} is not in the price catalog`;
    return { ok: false, reason };
  }
  return { ok: true, part: component(`${name} (${diskType})`, gib * count, "GiB-months", perGibMonth, "storage") };
}

/** `count` local SSD partitions on each of `nodes` machines for a month. */
export function localSsdStorage(catalog: PriceCatalog, region: string, count: number, nodes: number): PartOrReason<CostComponent> {
  return diskStorage(catalog, "local-ssd", region, LOCAL_SSD_GIB * count, nodes, `Local SSD ${count} x ${LOCAL_SSD_GIB} GiB per node`);
}
