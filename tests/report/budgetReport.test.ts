/**
 * The budget report: its figures are the review's (the same functions `infra-cost review` calls),
 * and the committed docs/budget-report.md (with its charts) is what `npm run report` writes now.
 */
import * as fs from "fs";
import * as path from "path";
import { buildReview } from "../../review/buildReview";
import { PROJECT_ROOT } from "../../program/projectRoot";
import { buildBudgetReport } from "../../report/budgetReport";
import { chartNames, renderBudgetReport, renderBudgetReportFiles } from "../../report/renderBudgetReport";
import { money as chartMoney } from "../../cost/money";

const REPORT = "docs/budget-report.md";

test("the report's figures equal the review's", async () => {
  const [report, { review }] = await Promise.all([buildBudgetReport(), buildReview({ stack: "all" })]);
  expect(report.review.totals).toEqual(review.totals);
  // One pipeline: the report's review carries the policy pack's results as the command's does.
  for (const stack of review.stacks) expect(stack.policies?.length).toBeGreaterThan(0);
  expect(report.review.stacks.map((s) => s.policies)).toEqual(review.stacks.map((s) => s.policies));
  for (const stack of review.stacks) {
    const line = (name: string) => stack.comparison.lines.find((l) => l.name === name && l.type === "gcp:container/nodePool:NodePool");
    const mine = report.perStack.find((s) => s.stack === stack.stack)!;
    expect(mine.before).toBe(stack.comparison.totals.before);
    expect(mine.after).toBe(stack.comparison.totals.after);
    const pools = stack.stack === "prod" ? [report.seedPool] : report.testnetPools;
    for (const pool of pools) {
      expect(pool.before?.monthly ?? 0).toBe(line(pool.pool)?.before?.monthly ?? 0);
      expect(pool.after?.monthly ?? 0).toBe(line(pool.pool)?.after?.monthly ?? 0);
    }
  }
  // The on-demand scenario is the review itself.
  expect(report.scenarios[0].monthlySaving).toBeCloseTo(-review.totals.delta, 9);
  const markdown = fs.readFileSync(path.join(PROJECT_ROOT, REPORT), "utf8");
  expect(markdown).toContain(`**${chartMoney(-review.totals.delta)}**`);
});

test(`${REPORT} and its charts are up to date (run \`npm run report\` when this fails)`, async () => {
  const files = await renderBudgetReportFiles(REPORT);
  for (const { file, content } of files) {
    const committed = path.join(PROJECT_ROOT, file);
    const current = fs.existsSync(committed) ? fs.readFileSync(committed, "utf8") : undefined;
    if (current !== content) {
      throw new Error(`${file} is stale: it differs from what the program and baselines give now. Run \`npm run report\` and commit the result.`);
    }
  }
});

test("the report answers the proposal: every pool's fit, every prod data disk's options, the counted saving and the saving with options", async () => {
  const report = await buildBudgetReport();
  const markdown = renderBudgetReport(report, chartNames(REPORT)).markdown;
  // The proposal is compared with the saving with usage; the declared-only figure stays beside it.
  const configured = report.usage.adoptedWithUsage;
  const usageChange = report.usage.perStack.reduce((sum, s) => sum + s.usageBefore - s.usageAfter, 0);
  expect(configured).toBeCloseTo(report.adoptedMonthlySaving + usageChange, 6);
  expect(markdown).toContain(`| ${chartMoney(report.adoptedMonthlySaving)} | adopted, declared resources only`);
  expect(markdown).toContain(`| ${chartMoney(configured)} | adopted, with usage`);
  const { monthlySaving, monthlySavingWithOptions } = report.opportunities.totals;
  expect(monthlySavingWithOptions).toBeGreaterThanOrEqual(monthlySaving);
  expect(markdown).toContain(`| ${chartMoney(configured + monthlySaving)} | adopted with usage + the counted opportunities`);
  expect(markdown).toContain(`| ${chartMoney(configured + monthlySavingWithOptions)} | + every option`);
  // Every node pool of both stacks has its requests-vs-allocatable row; every prod data disk its three types.
  const pools = report.review.stacks.flatMap((s) => s.comparison.lines.filter((l) => l.after && l.type === "gcp:container/nodePool:NodePool").map((l) => `| ${s.stack} | ${l.name} |`));
  expect(pools.length).toBe(6);
  for (const row of pools) expect(markdown).toContain(row);
  // A disk in a migration is adopted: neither it nor its new disk is compared again.
  const migrating = new Set(report.diskMigrations.flatMap((m) => [m.disk, m.newDisk]));
  const disks = report.review.stacks.find((s) => s.stack === "prod")!.comparison.lines.filter((l) => l.after && l.type === "gcp:compute/disk:Disk" && !migrating.has(l.name));
  expect(disks.length).toBe(5);
  for (const disk of disks) for (const type of ["pd-standard", "pd-balanced", "pd-ssd"]) expect(markdown).toMatch(new RegExp(`\\| prod ${disk.name} \\| [\\d,]+ GiB \\| [^|]+ \\| ${type}`));
});

test("the disk migration the stack file declares counts as adopted, in progress at its step, with the copy's one-off cost", async () => {
  const report = await buildBudgetReport();
  const markdown = renderBudgetReport(report, chartNames(REPORT)).markdown;
  const prod = report.review.stacks.find((s) => s.stack === "prod")!;
  const after = (name: string) => prod.comparison.lines.find((l) => l.name === name)!.after!.monthly;
  expect(report.diskMigrations).toHaveLength(1);
  const [migration] = report.diskMigrations;
  expect(migration).toMatchObject({ disk: "geth-mainnet-data", toType: "pd-balanced", step: "copy", newDisk: "geth-mainnet-data-pd-balanced", temporary: ["geth-mainnet-data", "geth-mainnet-data-to-pd-balanced"] });
  // Every figure is the review's price of the graph's own resources.
  expect(migration.monthlySaving).toBeCloseTo(after("geth-mainnet-data") - after("geth-mainnet-data-pd-balanced"), 9);
  expect(migration.temporaryMonthly).toBeCloseTo(after("geth-mainnet-data") + after("geth-mainnet-data-to-pd-balanced"), 9);
  expect(migration.temporaryDaily).toBeCloseTo(migration.temporaryMonthly / (730 / 24), 9);
  // Adopted: the review's saving plus what only the migration in progress bills.
  expect(report.adoptedMonthlySaving).toBeCloseTo(-report.review.totals.delta + migration.temporaryMonthly, 9);
  expect(markdown).toContain(`| prod geth-mainnet-data | pd-ssd -> pd-balanced (new disk geth-mainnet-data-pd-balanced) | in progress, at step copy | ${chartMoney(migration.monthlySaving)} | ${chartMoney(migration.temporaryMonthly)}`);
  expect(markdown).toContain(`= **${chartMoney(report.adoptedMonthlySaving)} a month**`);
  // The opportunity it realises is gone from section 5.
  expect(report.opportunities.opportunities.filter((o) => o.resource === "geth-mainnet-data")).toEqual([]);
});
