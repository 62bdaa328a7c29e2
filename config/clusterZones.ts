/**
 * The zones a cluster's nodes run in, as the cost engine counts them: GKE's zone rule lives once,
 * in catalog/gcpLocations.ts (node locations beside a zonal cluster's zone, deduplicated; else its
 * zone; else three default zones of the region).
 */
export { gkeClusterZones as clusterZones } from "../catalog/gcpLocations";
