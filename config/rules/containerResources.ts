/** A container's requests must fit its limits (seeds, chains, the proxy). */
import type { ResourcesConfig } from "../fields";

export function resourcesProblem(key: string, r: ResourcesConfig): string | undefined {
  if (r.cpuRequest > r.cpuLimit) return `${key}.cpuRequest ${r.cpuRequest} must not exceed cpuLimit ${r.cpuLimit}`;
  if (r.memoryRequestGiB > r.memoryLimitGiB) return `${key}.memoryRequestGiB ${r.memoryRequestGiB} must not exceed memoryLimitGiB ${r.memoryLimitGiB}`;
  return undefined;
}
