/**
 * The usage file (usage.<stack>.yml beside Pulumi.<stack>.yaml, or --usage FILE): Infracost's
 * format where it has keys (`version: 0.1`, `resource_type_default_usage`, `resource_usage`;
 * `nodes`, `storage_gb`, `monthly_ingress_data_gb`), and our own keys for traffic by destination
 * class where Infracost has none. Every entry says where its figures come from (`source`) or why
 * they are plausible (`inferred`): exactly one of the two.
 */
import { z } from "zod";
import { INTERNET_DESTINATIONS, USAGE_KEYS, type InternetDestination } from "./usageKeys";

const gb = z.number({ error: "must be a number of GB" }).min(0, "must be 0 or more GB").refine(Number.isFinite, "must be a finite number of GB");

const internetEgressSchema = z.strictObject(Object.fromEntries(INTERNET_DESTINATIONS.map((d) => [d, gb.optional()])) as Record<InternetDestination, z.ZodOptional<typeof gb>>);

export const usageEntrySchema = z
  .strictObject({
    /** Infracost: a node pool's node count (an autoscaled pool's average over the month). */
    nodes: z.number({ error: "must be a number of nodes" }).int("must be a whole number of nodes").min(0, "must be 0 or more nodes").optional(),
    /** Infracost: a snapshot's stored GB (incremental snapshots store less than the disk). */
    storage_gb: gb.optional(),
    /** Infracost: GB a forwarding rule's load balancer processes a month. */
    monthly_ingress_data_gb: gb.optional(),
    /** GB a month sent to the same zone over internal IPs (no charge, stated so it is not taken as unknown). */
    same_zone_egress_gb: gb.optional(),
    /** GB a month sent to another zone of the same region. */
    inter_zone_egress_gb: gb.optional(),
    /** GB a month sent to another region in North America. */
    inter_region_north_america_egress_gb: gb.optional(),
    /** GB a month sent to the internet, by destination continent. */
    internet_egress_gb: internetEgressSchema.optional(),
    /** GB a month a load balancer processes for this workload or pool. */
    load_balancer_data_gb: gb.optional(),
    /** GB a month through Cloud NAT. */
    cloud_nat_data_gb: gb.optional(),
    source: z.string().min(1, "must not be empty").optional(),
    inferred: z.string().min(1, "must not be empty").optional(),
  })
  .superRefine((entry, ctx) => {
    if ((entry.source === undefined) === (entry.inferred === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "must say where its figures come from with exactly one of source: or inferred:" });
    }
    if (!USAGE_KEYS.some((key) => entry[key] !== undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: `states no usage (keys: ${USAGE_KEYS.join(", ")})` });
    }
  });
export type UsageEntry = z.infer<typeof usageEntrySchema>;

export const usageFileSchema = z.strictObject({
  /** Infracost's usage file version; YAML reads 0.1 as a number. */
  version: z.union([z.literal(0.1), z.literal("0.1")], { error: "must be 0.1" }),
  /** Stacks naming the same billing account share its internet egress tiers; default: one account for every stack. */
  billing_account: z.string().min(1, "must not be empty").optional(),
  /** Pulumi type token (gcp:container/nodePool:NodePool, or poolWorkload for stated workloads) -> usage. */
  resource_type_default_usage: z.record(z.string(), usageEntrySchema).default({}),
  /** Resource name, URN, or <pool>/<workload> for a stated workload; `*` matches any characters -> usage. */
  resource_usage: z.record(z.string(), usageEntrySchema).default({}),
});
export type UsageFile = z.infer<typeof usageFileSchema>;
