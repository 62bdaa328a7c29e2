/**
 * kubernetes:core/v1:PersistentVolume — a pre-provisioned volume is only a pointer to a disk; the
 * gcp Disk resource carries the cost.
 */
import { ResourceReader } from "./reader";

export const readPersistentVolume: ResourceReader = (record, context) => {
  const attributes = context.attributes(record);
  const diskName = attributes.string("spec.gcePersistentDisk.pdName") ?? attributes.string("spec.csi.volumeHandle");
  const disk = context.graph.diskFor(diskName);
  const note = disk
    ? `points at disk ${disk.name}: that gcp Disk carries the cost`
    : `points at ${diskName ? `disk ${diskName}` : "a disk"} managed outside this graph: its cost is not in this stack`;
  return { status: "free", assumptions: [note], summary: diskName ? `volume on ${diskName.split("/").pop()}` : "volume" };
};
