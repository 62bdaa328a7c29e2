import { isZone } from "../catalog/catalog";

/**
 * The zones a cluster's nodes run in: its node locations (beside its own zone when zonal, as GKE
 * counts them and the cost engine prices them), else its zone, else (regional) three zones.
 */
export function clusterZones(cluster: { location: string; nodeLocations?: string[] }): string[] {
  if (cluster.nodeLocations?.length) {
    return isZone(cluster.location) ? [...new Set([cluster.location, ...cluster.nodeLocations])] : cluster.nodeLocations;
  }
  if (isZone(cluster.location)) return [cluster.location];
  return ["b", "c", "d"].map((z) => `${cluster.location}-${z}`);
}
