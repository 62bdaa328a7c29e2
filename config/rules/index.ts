/**
 * The rules of a stack's config that no schema of one field can check: values that each validate
 * but together cannot be right, or that the catalog does not offer in the stack's region. One file
 * per area; each rule returns the first problem as the line config/parseStackConfig.ts prefixes with
 * the stack name.
 */
import type { PriceCatalog } from "../../catalog/catalog";
import { clusterZones } from "../clusterZones";
import type { StackConfig } from "../stackSchemas";
import { chainsProblem } from "./chains";
import { clusterAndPoolsProblem } from "./clusterAndPools";
import { proxyProblem } from "./proxy";
import { workloadsProblem } from "./workloads";

export function stackConfigProblem(config: StackConfig, catalog: PriceCatalog): string | undefined {
  const zones = clusterZones(config.cluster);
  return clusterAndPoolsProblem(config, catalog, zones) ?? chainsProblem(config, catalog, zones) ?? proxyProblem(config, catalog) ?? workloadsProblem(config);
}
