/** What one pod requests, from its pod spec's Kubernetes quantities, as the scheduler counts it. */
import { quantityToGib } from "../validation/kubernetesQuantity";
import { isPreviewUnknown, valueAt } from "../graph/valueReader";

/** CPU cores of a Kubernetes quantity ("500m", "0.5", 2). */
export function cpuCores(quantity: unknown): number | undefined {
  if (typeof quantity === "number") return quantity;
  if (typeof quantity !== "string" || isPreviewUnknown(quantity)) return undefined;
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity.trim());
  if (!match) return undefined;
  return match[2] ? Number(match[1]) / 1000 : Number(match[1]);
}

export function memoryGiB(quantity: unknown): number | undefined {
  if (typeof quantity === "number") return quantity / 2 ** 30;
  if (typeof quantity !== "string" || isPreviewUnknown(quantity)) return undefined;
  return quantityToGib(quantity);
}

/** A pod's requests: its containers' sum, or its largest init container when that is larger (as the scheduler counts). */
export function podRequests(podSpec: unknown): { cpu: number; memoryGiB: number } | string {
  const sum = (list: unknown) => {
    let cpu = 0;
    let memory = 0;
    for (const container of Array.isArray(list) ? list : []) {
      const requests = valueAt(container, "resources.requests");
      const c = cpuCores(valueAt(requests, "cpu") ?? 0);
      const m = memoryGiB(valueAt(requests, "memory") ?? 0);
      if (c === undefined || m === undefined) return undefined;
      cpu += c;
      memory += m;
    }
    return { cpu, memoryGiB: memory };
  };
  const containers = sum(valueAt(podSpec, "containers"));
  if (!containers) return "requests unknown (not a quantity, or unknown until apply)";
  let cpu = containers.cpu;
  let memory = containers.memoryGiB;
  for (const init of (valueAt(podSpec, "initContainers") as unknown[] | undefined) ?? []) {
    const one = sum([init]);
    if (one) {
      cpu = Math.max(cpu, one.cpu);
      memory = Math.max(memory, one.memoryGiB);
    }
  }
  return { cpu, memoryGiB: memory };
}
