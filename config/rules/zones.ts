/** A zone named in config must be a zone of the stack's region. */
import { isZone, regionOf } from "../../catalog/gcpLocations";

export function zoneProblem(key: string, zone: string, region: string): string | undefined {
  if (!isZone(zone) || regionOf(zone) !== region) return `${key} ${JSON.stringify(zone)} is not a zone of ${region} (e.g. ${region}-b)`;
  return undefined;
}
