import { GKE_DEFAULT_REGIONAL_ZONE_SUFFIXES, gkeClusterZones, isZone, regionOf } from "../../catalog/gcpLocations";
import { clusterZones } from "../../config";
import { defaultZoneCount } from "../../catalog/gcpLocations";

describe("GCP region and zone geometry", () => {
  test("a zone is a region plus a letter; a region is its own region", () => {
    expect(isZone("us-east1-b")).toBe(true);
    expect(isZone("us-east1")).toBe(false);
    expect(isZone("europe-west4-a")).toBe(true);
    expect(regionOf("europe-west4-a")).toBe("europe-west4");
    expect(regionOf("us-east1")).toBe("us-east1");
  });

  test("GKE node zones: node locations beside a zonal cluster's own zone, deduplicated; else its zone; else three default zones", () => {
    expect(gkeClusterZones({ location: "us-east1-b" })).toEqual(["us-east1-b"]);
    expect(gkeClusterZones({ location: "us-east1-b", nodeLocations: ["us-east1-c"] })).toEqual(["us-east1-b", "us-east1-c"]);
    expect(gkeClusterZones({ location: "us-east1-b", nodeLocations: ["us-east1-b", "us-east1-c"] })).toEqual(["us-east1-b", "us-east1-c"]);
    expect(gkeClusterZones({ location: "us-east1", nodeLocations: ["us-east1-c", "us-east1-d"] })).toEqual(["us-east1-c", "us-east1-d"]);
    expect(gkeClusterZones({ location: "us-east1" })).toEqual(GKE_DEFAULT_REGIONAL_ZONE_SUFFIXES.map((s) => `us-east1-${s}`));
  });

  test("the stack config and the cost engine count the same zones as the geometry module", () => {
    const clusters = [
      { location: "us-east1-b" },
      { location: "us-east1-b", nodeLocations: ["us-east1-c"] },
      { location: "us-east1", nodeLocations: ["us-east1-c", "us-east1-d"] },
      { location: "us-east1", nodeLocations: ["us-east1-c", "us-east1-c"] },
      { location: "us-east1" },
    ];
    for (const cluster of clusters) expect(clusterZones(cluster)).toEqual(gkeClusterZones(cluster));
    expect(defaultZoneCount("us-east1").zones).toBe(gkeClusterZones({ location: "us-east1" }).length);
    expect(defaultZoneCount("us-east1-b").zones).toBe(1);
  });
});
