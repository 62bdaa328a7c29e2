/**
 * gcp:compute/address:Address (and GlobalAddress) — INTERNAL addresses are free; an EXTERNAL
 * static address is read into a StaticAddressShape: in use when something uses it (its recorded
 * `users`, or a resource of the graph that depends on it), else reserved and unused.
 */
import { ResourceReader } from "./reader";

export const readAddress: ResourceReader = (record, context) => {
  const attributes = context.attributes(record);
  const addressType = (attributes.string("addressType") ?? "EXTERNAL").toUpperCase();
  if (addressType === "INTERNAL") return { status: "free", assumptions: ["internal IP address: free"], summary: "internal IP" };
  const assumptions: string[] = [];
  if (!attributes.string("addressType")) assumptions.push("address type not set: EXTERNAL (the API default)");
  const users = attributes.strings("users");
  const inUse = (users !== undefined && users.length > 0) || context.graph.isDependedOn(record.urn);
  const resolved = context.graph.regionOf(record);
  if (resolved.assumption) assumptions.push(resolved.assumption);
  return { status: "shape", shape: { kind: "staticAddress", region: resolved.region, inUse }, assumptions };
};
