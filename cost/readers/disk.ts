/**
 * gcp:compute/disk:Disk — a zonal persistent disk: its type, size and region.
 * A disk created from an image or snapshot may carry its size only in outputs (read from there).
 */
import { ResourceReader } from "./reader";
import { readDiskOfKind } from "./diskStorage";

export const readDisk: ResourceReader = (record, context) => readDiskOfKind(record, context, false);
