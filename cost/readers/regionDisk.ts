/** gcp:compute/regionDisk:RegionDisk — a disk replicated over two zones, at the regional-pd-* price line. */
import { ResourceReader } from "./reader";
import { readDiskOfKind } from "./diskStorage";

export const readRegionDisk: ResourceReader = (record, context) => readDiskOfKind(record, context, true);
