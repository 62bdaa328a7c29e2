/**
 * Refreshes the price catalog from Google's Cloud Billing Catalog API (`infra-cost prices refresh`).
 *
 * The API prices Compute Engine by SKU: per vCPU-hour and per GiB-hour for each machine family,
 * pricing option (on-demand, spot, 1- and 3-year commitment) and region, per GiB-month for disks,
 * per hour for addresses. The refresh changes prices, never offerings, and keeps every price the
 * SKUs do not give (buildCatalog.ts says how).
 *
 * This module only joins the parts, one per reason to change: billingApi.ts reads the SKUs (the
 * one module that talks to Google), skuClassification.ts says what a SKU prices, skuPriceIndex.ts
 * keys the usable ones by figure and region, buildCatalog.ts prices the committed catalog's
 * offerings with them, and priceCoverage.ts accounts for what was refreshed and what was not.
 */
import * as path from "path";
import { COMPUTE_ENGINE_SERVICE_ID, readSkus, type CatalogClientOptions } from "./billingApi";
import { DEFAULT_MAX_PRICE_CHANGE_FACTOR, buildCatalogFromSkus } from "./buildCatalog";
import { loadCatalog, type PriceCatalog } from "./catalog";
import type { RefreshResult } from "./priceCoverage";
import { PROJECT_ROOT } from "../program/projectRoot";

/** The committed catalog file, which a refresh compares with and rewrites. */
export const DEFAULT_CATALOG_PATH = path.join(PROJECT_ROOT, "catalog", "gcp-prices.json");

export interface RefreshOptions {
  /** The catalog whose machine shapes and offerings are priced and whose prices fill the gaps; default the committed one. */
  current?: PriceCatalog;
  /** The day the catalog is dated; default now. */
  now?: Date;
  /** Passed to `CloudCatalogClient` (credentials, endpoint, a custom auth client); REST transport is always used. */
  clientOptions?: CatalogClientOptions;
  /** Billing service to read; default Compute Engine. */
  serviceId?: string;
  /** Reject a refreshed price outside [current / factor, current x factor]; default 3, Infinity accepts any. */
  maxPriceChangeFactor?: number;
}

/** Reads the Compute Engine SKUs and prices the committed catalog's offerings with them. */
export async function refreshCatalog(options: RefreshOptions = {}): Promise<RefreshResult> {
  const current = options.current ?? loadCatalog(DEFAULT_CATALOG_PATH);
  const serviceId = options.serviceId ?? COMPUTE_ENGINE_SERVICE_ID;
  const skus = await readSkus(serviceId, options.clientOptions ?? {});
  return buildCatalogFromSkus(skus, current, {
    now: options.now ?? new Date(),
    serviceId,
    maxPriceChangeFactor: options.maxPriceChangeFactor ?? DEFAULT_MAX_PRICE_CHANGE_FACTOR,
  });
}
