/**
 * CPU and memory as the stack config gives them (cores, GiB) and as Kubernetes objects carry them
 * (canonical quantities). Config validation (config/) and the components share these bounds, so
 * a value that validates renders as a quantity the API server stores unchanged: `1500m`, `256Mi`,
 * `4Gi`, never `0Mi`, `1e-7Gi` or `1e+21`.
 */

/** Kubernetes' CPU resolution is a millicore; the largest GCE machine has 416 vCPUs. */
export const MAX_CPU_CORES = 416;
/** The largest GCE machine has about 12 TiB; 1 MiB is the memory resolution this program renders. */
export const MAX_MEMORY_GIB = 12 * 1024;

/** Why a CPU amount in cores is not one to render, or undefined. */
export function cpuCoresProblem(cores: number): string | undefined {
  if (!Number.isFinite(cores) || cores <= 0) return "must be a positive number of CPU cores";
  if (cores > MAX_CPU_CORES) return `must be at most ${MAX_CPU_CORES} CPU cores (the largest GCE machine)`;
  if (Math.abs(cores * 1000 - Math.round(cores * 1000)) > 1e-6) return "must be a whole number of millicores (at most three decimals, e.g. 0.25)";
  return undefined;
}

/** Why a memory amount in GiB is not one to render, or undefined. */
export function memoryGiBProblem(gib: number): string | undefined {
  if (!Number.isFinite(gib) || gib <= 0) return "must be a positive number of GiB";
  if (gib > MAX_MEMORY_GIB) return `must be at most ${MAX_MEMORY_GIB} GiB (the largest GCE machine)`;
  if (Math.abs(gib * 1024 - Math.round(gib * 1024)) > 1e-6) return "must be a whole number of MiB (a multiple of 1/1024 GiB, e.g. 0.25 or 1.5)";
  return undefined;
}

/** `1500m`, `2` for whole cores. */
export function cpuQuantity(cores: number): string {
  const problem = cpuCoresProblem(cores);
  if (problem) throw new Error(`cpuQuantity: ${cores} ${problem}`);
  const millicores = Math.round(cores * 1000);
  return millicores % 1000 === 0 ? `${millicores / 1000}` : `${millicores}m`;
}

/** `256Mi`, `4Gi` for whole GiB. */
export function memoryQuantity(gib: number): string {
  const problem = memoryGiBProblem(gib);
  if (problem) throw new Error(`memoryQuantity: ${gib} ${problem}`);
  const mebibytes = Math.round(gib * 1024);
  return mebibytes % 1024 === 0 ? `${mebibytes / 1024}Gi` : `${mebibytes}Mi`;
}

/** A Kubernetes quantity ("60Gi", "1Ti", "500G") in GiB. */
export function quantityToGib(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGTPE]i?)?$/.exec(quantity.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const factors: Record<string, number> = {
    Ki: 2 ** -20, Mi: 2 ** -10, Gi: 1, Ti: 2 ** 10, Pi: 2 ** 20, Ei: 2 ** 30,
    K: 1e3 / 2 ** 30, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30, P: 1e15 / 2 ** 30, E: 1e18 / 2 ** 30,
  };
  return match[2] ? value * factors[match[2]] : value / 2 ** 30;
}
