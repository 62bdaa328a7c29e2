/** How money, percentages and per-resource changes read in the table and markdown reports. */
import { money } from "../cost/money";
import { CostComparison, CostLine, monthlyOf } from "../cost/costComparison";

/** Change relative to before, "-45.3 %"; empty when there was nothing before. */
export function percentChange(before: number, after: number): string {
  if (before === 0) return after === 0 ? "0 %" : "new";
  const percent = ((after - before) / before) * 100;
  return `${percent > 0 ? "+" : ""}${percent.toFixed(1)} %`;
}

/**
 * The Infracost-style headline. With unpriced resources it never claims "will not change": the
 * change is only known for what was priced, and the count of the rest is part of the headline.
 */
export function headline(before: number, after: number, unpriced = 0): string {
  const delta = after - before;
  const rest = unpriced > 0 ? `; ${unpriced} resource${unpriced === 1 ? "" : "s"} not priced` : "";
  if (Math.abs(delta) < 0.005) {
    return unpriced > 0 ? `Priced resources' monthly cost does not change (${money(after)})${rest}` : `Monthly cost will not change (${money(after)})`;
  }
  const direction = delta < 0 ? "decrease" : "increase";
  return `Monthly cost will ${direction} by ${money(Math.abs(delta))} (${percentChange(before, after)})${rest}`;
}

export interface ResourceChangeDescription {
  line: CostLine;
  before: number;
  after: number;
  delta: number;
  /** "n1-standard-4 x10 -> e2-standard-4 x3", "(new) pd-ssd 60 GiB", "snapshot 50 GiB (new)". */
  shape: string;
}

function shapeOf(line: CostLine): string {
  const before = line.before?.status === "priced" ? line.before.summary ?? line.type : undefined;
  const after = line.after?.status === "priced" ? line.after.summary ?? line.type : undefined;
  if (before && after) return before === after ? after : `${before} -> ${after}`;
  if (after) return line.before ? `${after} (was not priced)` : `${after} (new)`;
  if (before) return line.after ? `${before} -> (not priced)` : `${before} -> (removed)`;
  return "";
}

/** Resources whose monthly cost changes, biggest change first. */
export function resourceChanges(comparison: CostComparison): ResourceChangeDescription[] {
  return comparison.lines
    // A side that is not priced has no figure to change from or to (listed as unpriced instead).
    .filter((line) => line.before?.status !== "unpriced" && line.after?.status !== "unpriced")
    .map((line) => {
      const before = monthlyOf(line.before);
      const after = monthlyOf(line.after);
      return { line, before, after, delta: after - before, shape: shapeOf(line) };
    })
    .filter((change) => Math.abs(change.delta) >= 0.005)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
}

export function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}
