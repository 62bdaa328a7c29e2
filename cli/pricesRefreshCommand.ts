/**
 * `infra-cost prices refresh`: the command around the catalog refresh (catalog/refresh.ts and the
 * modules it joins), which know nothing of commands; so the dependency goes one way, cli -> catalog.
 */
import * as fs from "fs";
import * as path from "path";
import { CommandFailure, EXIT_BAD_INPUT, type CommandOutput } from "./command";
import { loadCatalog, type PriceCatalog } from "../catalog/catalog";
import { PriceRefreshError, describeApiError, type CatalogClientOptions } from "../catalog/billingApi";
import { DEFAULT_MAX_PRICE_CHANGE_FACTOR } from "../catalog/buildCatalog";
import { describeCoverage } from "../catalog/priceCoverage";
import { DEFAULT_CATALOG_PATH, refreshCatalog } from "../catalog/refresh";

export interface PricesRefreshCommandOptions {
  /** Where to write the refreshed catalog. */
  out: string;
  /** The catalog to refresh; default the committed catalog/gcp-prices.json. */
  catalog?: string;
  /** Write prices that moved by more than the plausibility factor instead of keeping the current ones. */
  acceptPriceJumps?: boolean;
  now?: Date;
  clientOptions?: CatalogClientOptions;
}

/**
 * The refreshed catalog for --out and its coverage for stdout. Failures are one line: exit 1 for
 * credentials or the API, 2 for bad input; they come before anything is written, so `out` is kept.
 */
export async function pricesRefreshCommand(options: PricesRefreshCommandOptions): Promise<CommandOutput> {
  if (!options.out) throw new CommandFailure("--out FILE is required", EXIT_BAD_INPUT);
  // Checked before the (slow) API reads: a refresh with nowhere to go fails at once.
  const outDir = path.dirname(path.resolve(options.out));
  if (!fs.existsSync(outDir)) throw new CommandFailure(`${options.out}: directory ${outDir} does not exist`, EXIT_BAD_INPUT);
  let current: PriceCatalog;
  try {
    current = loadCatalog(options.catalog ?? DEFAULT_CATALOG_PATH);
  } catch (err) {
    throw new CommandFailure((err as Error).message, EXIT_BAD_INPUT);
  }
  let result: Awaited<ReturnType<typeof refreshCatalog>>;
  try {
    result = await refreshCatalog({
      current,
      now: options.now,
      clientOptions: options.clientOptions,
      maxPriceChangeFactor: options.acceptPriceJumps ? Infinity : DEFAULT_MAX_PRICE_CHANGE_FACTOR,
    });
  } catch (err) {
    const failure = err instanceof PriceRefreshError ? err : describeApiError(err);
    throw new CommandFailure(failure.message, failure.exitCode);
  }
  const lines = [`${options.out}: price catalog dated ${result.catalog.date}`, ...describeCoverage(result).map((line) => `  ${line}`)];
  return { text: lines.map((line) => `${line}\n`).join(""), files: [{ file: options.out, content: JSON.stringify(result.catalog) + "\n" }] };
}
