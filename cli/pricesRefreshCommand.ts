/**
 * `infra-cost prices refresh`: the command around the catalog refresh (catalog/refresh.ts), which
 * knows nothing of commands; so the dependency goes one way, cli -> catalog.
 */
import * as fs from "fs";
import * as path from "path";
import type { CommandIo } from "./commandIo";
import { loadCatalog, type PriceCatalog } from "../catalog/catalog";
import {
  DEFAULT_CATALOG_PATH,
  DEFAULT_MAX_PRICE_CHANGE_FACTOR,
  PriceRefreshError,
  describeApiError,
  describeCoverage,
  refreshCatalog,
  writeFileAtomic,
  type CatalogClientOptions,
} from "../catalog/refresh";

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

const COMMAND = "infra-cost prices refresh";

/**
 * `infra-cost prices refresh --out FILE`: refreshes and writes the catalog, prints the coverage.
 * Returns the exit code: 0 written, 1 credentials or API failure, 2 bad input; errors are one line
 * on stderr and leave `out` untouched.
 */
export async function runPricesRefresh(options: PricesRefreshCommandOptions, io: CommandIo): Promise<number> {
  try {
    if (!options.out) throw new PriceRefreshError("--out FILE is required", 2);
    const outDir = path.dirname(path.resolve(options.out));
    if (!fs.existsSync(outDir)) throw new PriceRefreshError(`${options.out}: directory ${outDir} does not exist`, 2);
    let current: PriceCatalog;
    try {
      current = loadCatalog(options.catalog ?? DEFAULT_CATALOG_PATH);
    } catch (err) {
      throw new PriceRefreshError((err as Error).message, 2);
    }
    const result = await refreshCatalog({
      current,
      now: options.now,
      clientOptions: options.clientOptions,
      maxPriceChangeFactor: options.acceptPriceJumps ? Infinity : DEFAULT_MAX_PRICE_CHANGE_FACTOR,
    });
    try {
      writeFileAtomic(options.out, JSON.stringify(result.catalog) + "\n");
    } catch (err) {
      throw new PriceRefreshError(`${options.out}: cannot write the catalog (${(err as Error).message})`, 2);
    }
    io.stdout(`${options.out}: price catalog dated ${result.catalog.date}`);
    for (const line of describeCoverage(result)) io.stdout(`  ${line}`);
    return 0;
  } catch (err) {
    const failure = err instanceof PriceRefreshError ? err : describeApiError(err);
    io.stderr(`${COMMAND}: ${failure.message}`);
    return failure.exitCode;
  }
}
