/**
 * The usage file's vocabulary, apart from its schema (usage/usageFileSchema.ts): what prices usage
 * needs these names but not zod, which only reading a file loads.
 */

/** Continents an internet destination may be, as Google prices them: China and Australia apart. */
export const INTERNET_DESTINATIONS = ["north_america", "south_america", "europe", "africa", "asia", "china", "oceania", "australia"] as const;
export type InternetDestination = (typeof INTERNET_DESTINATIONS)[number];

/** The keys a usage entry may state; each applies to some kinds of resource (usage/usageTargets.ts). */
export const USAGE_KEYS = [
  "nodes",
  "storage_gb",
  "monthly_ingress_data_gb",
  "same_zone_egress_gb",
  "inter_zone_egress_gb",
  "inter_region_north_america_egress_gb",
  "internet_egress_gb",
  "load_balancer_data_gb",
  "cloud_nat_data_gb",
] as const;
export type UsageKey = (typeof USAGE_KEYS)[number];

/** The billing account a usage file's stack bills to when the file names none. */
export const DEFAULT_BILLING_ACCOUNT = "default";
