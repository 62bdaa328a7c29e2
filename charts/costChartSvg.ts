/** The review's chart: monthly cost before and after, by component category. */
import { beforeAfterChartSvg } from "./beforeAfterChartSvg";
import { CostComparison } from "../cost/costComparison";
import { costByCategory } from "../cost/costComparison";

export function costChartSvg(comparisons: CostComparison[], title: string): string {
  const rows = costByCategory(comparisons)
    .filter((row) => row.before > 0 || row.after > 0)
    .map((row) => ({ label: row.category, before: row.before, after: row.after }));
  return beforeAfterChartSvg(title, "USD a month, all stacks", rows);
}
