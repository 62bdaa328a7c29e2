/** The pricer of each shape kind: a shape and the catalog in, cost components out. */
import { PriceCatalog } from "../../catalog/catalog";
import type { PricerOutcome } from "../model";
import type { ResourceShape } from "../shapes";
import { priceMachineGroup } from "./machineGroup";
import { priceGkeCluster } from "./gkeCluster";
import { priceDiskStorage } from "./diskStorage";
import { priceVolumeClaims } from "./volumeClaims";
import { priceForwardingRule } from "./forwardingRule";
import { priceStaticAddress } from "./staticAddress";

export function priceShape(shape: ResourceShape, catalog: PriceCatalog): PricerOutcome {
  switch (shape.kind) {
    case "machineGroup":
      return priceMachineGroup(shape, catalog);
    case "gkeCluster":
      return priceGkeCluster(shape, catalog);
    case "diskStorage":
      return priceDiskStorage(shape, catalog);
    case "volumeClaims":
      return priceVolumeClaims(shape, catalog);
    case "forwardingRule":
      return priceForwardingRule(shape, catalog);
    case "staticAddress":
      return priceStaticAddress(shape, catalog);
  }
}
