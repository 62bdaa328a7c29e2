/**
 * The aggregation's result rows (snake_case columns, as both engines return them) as BilledLines:
 * keys as strings or null, sums as numbers (DuckDB returns counts as bigint, BigQuery as strings).
 */
import { column, SUM_COLUMNS } from "./aggregation";
import { BILLED_LINE_KEYS, type BilledLine } from "./billedLine";

export function billedLinesFromRows(rows: Record<string, unknown>[]): BilledLine[] {
  return rows.map((row) => {
    const line: Record<string, unknown> = {};
    for (const key of BILLED_LINE_KEYS) {
      const value = row[column(key)];
      line[key] = value === null || value === undefined ? null : String(value);
    }
    for (const [field, name] of Object.entries(SUM_COLUMNS)) {
      const value = row[name];
      line[field] = value === null || value === undefined ? 0 : Number(value);
    }
    return line as unknown as BilledLine;
  });
}
