/**
 * Reads a custom machine type's name into its shape (family, vCPUs, memory): `custom-4-8192`
 * (N1), `n2-custom-4-8192`, `n2d-custom-...`, `e2-custom-4-8192`, with `-ext` for extended
 * memory, and E2's shared-core `e2-custom-micro|small|medium-<MiB>` (a quarter, half or one vCPU).
 * Pricing it is gcpPriceArithmetic's job.
 */
export interface CustomMachineShape {
  family: "n1" | "n2" | "n2d" | "e2";
  /** Billed vCPUs (a fraction for E2 shared-core). */
  vcpu: number;
  memoryGib: number;
  sharedCore: boolean;
}

const SHARED_CORE_VCPUS: Record<string, number> = { micro: 0.25, small: 0.5, medium: 1 };

export function parseCustomMachineType(name: string): CustomMachineShape | undefined {
  const dedicated = /^(?:(n1|n2|n2d|e2)-)?custom-(\d+)-(\d+)(-ext)?$/.exec(name);
  if (dedicated) {
    const vcpu = Number(dedicated[2]);
    const memoryMib = Number(dedicated[3]);
    if (vcpu < 1 || memoryMib < 256) return undefined;
    return { family: (dedicated[1] ?? "n1") as CustomMachineShape["family"], vcpu, memoryGib: memoryMib / 1024, sharedCore: false };
  }
  const shared = /^e2-custom-(micro|small|medium)-(\d+)$/.exec(name);
  if (shared) return { family: "e2", vcpu: SHARED_CORE_VCPUS[shared[1]], memoryGib: Number(shared[2]) / 1024, sharedCore: true };
  return undefined;
}
