/**
 * GCP region and zone geometry, in one place: what a zone is, which region it belongs to and which
 * zones a GKE cluster's nodes run in. The cost rules, the cost graph and the stack config read it
 * from here, so a node count per zone is multiplied by the same zones everywhere.
 */

/** A zone is a region plus a one-letter suffix: "us-east1-b" in "us-east1". */
const ZONE_PATTERN = /^[a-z]+-[a-z]+\d+-[a-z]$/;

/** GKE spreads a regional cluster without node locations over three of the region's zones. */
export const GKE_DEFAULT_REGIONAL_ZONE_SUFFIXES = ["b", "c", "d"] as const;

export function isZone(location: string): boolean {
  return ZONE_PATTERN.test(location);
}

/** The region of a zone; a region is its own region. */
export function regionOf(location: string): string {
  return isZone(location) ? location.slice(0, -2) : location;
}

/**
 * The zones a GKE cluster's nodes run in: its node locations (beside its own zone when zonal, as
 * GKE counts them), else its zone, else (regional) GKE's three default zones.
 */
export function gkeClusterZones(cluster: { location: string; nodeLocations?: string[] }): string[] {
  if (cluster.nodeLocations?.length) {
    return [...new Set(isZone(cluster.location) ? [cluster.location, ...cluster.nodeLocations] : cluster.nodeLocations)];
  }
  if (isZone(cluster.location)) return [cluster.location];
  return GKE_DEFAULT_REGIONAL_ZONE_SUFFIXES.map((suffix) => `${cluster.location}-${suffix}`);
}

/** How many zones a GKE location spreads nodes over when no node locations are given. */
export function defaultZoneCount(location: string): { zones: number; assumption: string } {
  const zones = gkeClusterZones({ location }).length;
  return isZone(location)
    ? { zones, assumption: `zonal location ${location}: ${zones} zone` }
    : { zones, assumption: `regional location ${location} without node locations: GKE's default of ${zones} zones` };
}

