/**
 * The Cloud Billing Catalog API client of the price refresh: reads every SKU of a billing service
 * and turns the client's failures into one-line errors. Kept apart from what the SKUs mean
 * (skuClassification.ts) and from building the catalog (buildCatalog.ts), so that only this module
 * loads @google-cloud/billing and talks to the network; the rest of the refresh is pure and tested
 * on recorded SKUs.
 */
import { CloudCatalogClient } from "@google-cloud/billing";
import type { protos } from "@google-cloud/billing";

/** Compute Engine's service id in the Cloud Billing Catalog; stable, listed by `services.list`. */
export const COMPUTE_ENGINE_SERVICE_ID = "6F81-5844-456A";

/** A SKU as the client decodes the API's JSON. */
export type Sku = protos.google.cloud.billing.v1.ISku;
export type CatalogClientOptions = ConstructorParameters<typeof CloudCatalogClient>[0];

/** A failure the command reports in one line; `exitCode` 1 for credentials and API failures, 2 for bad input. */
export class PriceRefreshError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = "PriceRefreshError";
  }
}

export const NO_CREDENTIALS_MESSAGE =
  "no Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file or run gcloud auth application-default login";

/** Reads every SKU of the service, letting the client page through `nextPageToken`. */
export async function readSkus(serviceId: string, clientOptions: CatalogClientOptions): Promise<Sku[]> {
  // REST (fallback) transport: the same JSON the API documents, and no gRPC channel to keep alive.
  const client = new CloudCatalogClient({ ...clientOptions, fallback: true });
  try {
    // Authenticate first: the generated client turns a failed initialisation inside a call into an
    // unhandled rejection and a call that waits out its timeout, instead of a rejected call.
    await client.initialize();
    const [skus] = await client.listSkus({ parent: `services/${serviceId}`, currencyCode: "USD" }, { autoPaginate: true });
    return skus;
  } catch (err) {
    throw describeApiError(err);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** One line for a failure of the client: missing credentials get the how-to, the rest their first line. */
export function describeApiError(err: unknown): PriceRefreshError {
  const message = (err instanceof Error ? err.message : String(err)).replace(/^Error: /, "");
  if (/Could not load the default credentials/i.test(message)) return new PriceRefreshError(NO_CREDENTIALS_MESSAGE, 1);
  // The library fails on an unreadable GOOGLE_APPLICATION_CREDENTIALS with a bare file-system error.
  const keyFile = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  const fileError = (err as NodeJS.ErrnoException | undefined)?.code;
  if (keyFile && (/does not exist, or it is not a file/.test(message) || ["ENOENT", "EACCES", "ENOTDIR", "EISDIR"].includes(fileError ?? ""))) {
    return new PriceRefreshError(
      `GOOGLE_APPLICATION_CREDENTIALS names ${keyFile}, which is not a readable key file (${message.split("\n")[0]}): point it at a service-account key file or unset it and run gcloud auth application-default login`,
      1,
    );
  }
  const firstLine = message.split("\n")[0].trim();
  return new PriceRefreshError(`the Cloud Billing Catalog API failed: ${firstLine}`, 1);
}
