/**
 * What a zonal persistent disk delivers: its type's per-GiB rates and baseline at its size, capped by
 * what the VM it is attached to allows for that type (per machine family and vCPU count). The
 * figures are Google's published ones, kept with their source and date in disk-performance.json.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../program/projectRoot";

export const DISK_PERFORMANCE_PATH = path.join(PROJECT_ROOT, "catalog", "disk-performance.json");
/** The persistent-disk types compared: the ones the price catalog prices per GiB alone. */
export const COMPARED_DISK_TYPES = ["pd-standard", "pd-balanced", "pd-ssd"] as const;

/** Per second, for one disk. */
export interface DiskPerformance {
  readIops: number;
  writeIops: number;
  readMiBps: number;
  writeMiBps: number;
}
export const PERFORMANCE_FIELDS = ["readIops", "writeIops", "readMiBps", "writeMiBps"] as const;

interface PerGiB extends DiskPerformance {
  baselineIops: number;
  baselineMiBps: number;
}

interface InstanceRow {
  /** [min, max] vCPUs, max null: no upper bound. */
  vcpu: [number, number | null];
  [diskType: string]: DiskPerformance | [number, number | null];
}

export interface DiskPerformanceTable {
  source: string;
  retrieved: string;
  notes: string[];
  perGiB: Record<string, PerGiB>;
  perInstance: Record<string, InstanceRow[]>;
}

let table: DiskPerformanceTable | undefined;

export function loadDiskPerformance(): DiskPerformanceTable {
  table ??= JSON.parse(fs.readFileSync(DISK_PERFORMANCE_PATH, "utf8")) as DiskPerformanceTable;
  return table;
}

/** The VM's caps for the disk type, or undefined when the table has no row for the family and vCPU count. */
export function instanceCaps(performance: DiskPerformanceTable, family: string, vcpu: number, diskType: string): DiskPerformance | undefined {
  const row = performance.perInstance[family]?.find((r) => vcpu >= r.vcpu[0] && (r.vcpu[1] === null || vcpu <= r.vcpu[1]));
  const caps = row?.[diskType];
  return caps && !Array.isArray(caps) ? caps : undefined;
}

/** What a disk of this type and size delivers on a VM with these caps: the smaller of its size's rate and the VM's cap. */
export function diskPerformance(performance: DiskPerformanceTable, diskType: string, sizeGiB: number, caps: DiskPerformance): DiskPerformance | undefined {
  const rate = performance.perGiB[diskType];
  if (!rate) return undefined;
  return {
    readIops: Math.min(caps.readIops, rate.baselineIops + rate.readIops * sizeGiB),
    writeIops: Math.min(caps.writeIops, rate.baselineIops + rate.writeIops * sizeGiB),
    readMiBps: Math.min(caps.readMiBps, rate.baselineMiBps + rate.readMiBps * sizeGiB),
    writeMiBps: Math.min(caps.writeMiBps, rate.baselineMiBps + rate.writeMiBps * sizeGiB),
  };
}
