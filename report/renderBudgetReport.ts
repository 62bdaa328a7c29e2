/**
 * The budget report as markdown, with its two SVG charts. Deterministic: no date but the catalog's,
 * fixed number formats, rows in the review's order.
 */
import { describePerformance } from "../opportunities/diskOptions";
import { migrationStatus } from "../opportunities/diskMigrationCosts";
import { renderOpportunitiesMarkdown } from "../opportunities/render";
import * as path from "path";
import { BudgetReport, PoolComparison, PoolSide, ResourceComparison, buildBudgetReport } from "./budgetReport";
import { beforeAfterChartSvg } from "../charts/beforeAfterChartSvg";
import { money } from "../cost/money";
import { renderBilledSection } from "./renderBilledSide";
import type { BillingInput } from "./billedSide";

/** The proposal's own estimate, quoted (seed-proposal.md): what the computed saving is set against. */
export const PROPOSAL_EXPECTED_MONTHLY = { low: 2000, high: 4500 };

function number(value: number, digits = 1): string {
  return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function percent(before: number, after: number): string {
  if (before === 0) return after === 0 ? "0 %" : "new";
  return `${(((after - before) / before) * 100).toFixed(1)} %`;
}

function poolCells(side: PoolSide | null): string[] {
  if (!side) return ["(none)", "0", "0", "0", "-", money(0)];
  return [
    `${side.machineType}${side.spot ? " (spot)" : ""}`,
    String(side.nodes),
    number(side.vcpu),
    `${number(side.memoryGb)} GB`,
    `${number(side.diskGb, 0)} GB ${side.diskType}`,
    money(side.monthly),
  ];
}

function poolTable(pools: PoolComparison[]): string[] {
  const lines = ["| pool | side | machine type | nodes | vCPU | memory | boot disk | USD / month |", "|---|---|---|---:|---:|---:|---|---:|"];
  for (const pool of pools) {
    lines.push(`| ${pool.pool} | before | ${poolCells(pool.before).join(" | ")} |`);
    lines.push(`| ${pool.pool} | after | ${poolCells(pool.after).join(" | ")} |`);
  }
  return lines;
}

function changeRow(change: ResourceComparison): string {
  const before = change.before ? `${change.before.summary}, ${money(change.before.monthly)}` : "(none)";
  const after = change.after ? `${change.after.summary}, ${money(change.after.monthly)}` : "(removed)";
  const delta = (change.after?.monthly ?? 0) - (change.before?.monthly ?? 0);
  return `| ${change.name} | ${change.type.split(":").pop()} | ${before} | ${after} | ${delta > 0 ? "+" : ""}${money(delta)} |`;
}

/** Where the saving stands against the proposal, and what is left of the bill: every figure computed. */
function promiseStatement(report: BudgetReport): string[] {
  const expected = PROPOSAL_EXPECTED_MONTHLY;
  // The proposal's figure is a bill's, so the comparison counts usage too; the declared-only figure stays beside it.
  const declaredAdopted = report.adoptedMonthlySaving;
  const configured = report.usage.adoptedWithUsage;
  const usageAfter = report.usage.perStack.reduce((sum, s) => sum + s.usageAfter, 0);
  const totals = report.opportunities.totals;
  const counted = configured + totals.monthlySaving;
  const withOptions = configured + totals.monthlySavingWithOptions;
  const temporary = report.diskMigrations.reduce((sum, m) => sum + m.temporaryMonthly, 0);
  const afterAll = report.review.totals.after + usageAfter - temporary - totals.monthlySavingWithOptions;
  // Whether the usage figures come from a bill or are inferred decides how far the with-usage row can be trusted: say it.
  const inferredUsageLines = report.usage.lines.filter((line) => line.source.startsWith("inferred")).length;
  const usageProvenance =
    inferredUsageLines === 0
      ? "every usage figure with a source"
      : `${inferredUsageLines} of its ${report.usage.lines.length} usage lines inferred, not measured: replace them with a month's bill (infra-cost usage --from-billing) before relying on this row`;
  const standing = (value: number) =>
    value >= expected.low ? (value > expected.high ? "above the proposal's range" : "within the proposal's range") : `${money(expected.low - value)} a month short of its low end`;
  const lines = [
    "| saving / month | what it includes | against 2,000-4,500 |",
    "|---:|---|---|",
    `| ${money(declaredAdopted)} | adopted, declared resources only: what the stack config declares now (the review's saving${report.diskMigrations.length ? `, plus what the disk migrations in progress bill until they are over: see "Changes in progress"` : ""}) | ${standing(declaredAdopted)} |`,
    `| ${money(configured)} | adopted, with usage: the row above plus what the usage files and the stated volume claims change (${money(configured - declaredAdopted)}, see "With usage"; ${usageProvenance}); the figure set against the proposal | ${standing(configured)} |`,
    `| ${money(counted)} | adopted with usage + the counted opportunities of section 5 not yet applied (the largest per resource) | ${standing(counted)} |`,
    `| ${money(withOptions)} | + every option: disk types that give less performance, spot VMs on testnet, pools sized from inferred demand, 1-year commitments | ${standing(withOptions)} |`,
    "",
  ];
  const remaining = new Map<string, BudgetReport["opportunities"]["opportunities"][number]>();
  for (const o of report.opportunities.opportunities.filter((o) => o.countsTowardTotal)) {
    const key = `${o.stack}\u0000${o.urn}`;
    if ((remaining.get(key)?.monthlySaving ?? -1) < o.monthlySaving) remaining.set(key, o);
  }
  const open = [...remaining.values()].sort((a, b) => b.monthlySaving - a.monthlySaving || a.id.localeCompare(b.id));
  const paragraph: string[] = [];
  if (configured < expected.low) {
    paragraph.push(
      `What is adopted, with usage, leaves ${money(expected.low - configured)} a month to the low end. ` +
        (open.length
          ? `The counted opportunities not yet applied (section 5) ${counted >= expected.low ? "close it" : `bring ${money(counted - configured)} of it`}: ${open.map((o) => `${o.id} ${money(o.monthlySaving)}`).join(", ")}; why each is not applied yet is in its note (section 5) and beside the key in its stack file. `
          : ""),
    );
  }
  if (withOptions < expected.low) {
    paragraph.push(
      `Even with every option the computed saving stays ${money(expected.low - withOptions)} a month below the low end; after all of them the two stacks would still cost ${money(afterAll)} a month. `,
    );
  } else if (counted < expected.low) {
    paragraph.push(`Only with the options, and their risks, does it reach the low end. `);
  }
  if (withOptions < expected.high) {
    paragraph.push(
      `The high end, ${money(expected.high)}, stays ${money(expected.high - withOptions)} a month beyond even every option: after them the stacks would cost ${money(afterAll)} a month, and the largest lines as configured are ${report.largestAfter.map((l) => `${l.stack} ${l.name} (${l.summary}) ${money(l.monthly)}`).join("; ")}. ` +
        "No machine or disk type the catalog offers closes that at the stated demand and under these rules: the rest would have to come from running less (fewer or pruned archive chains on prod's blockchain nodes, fewer validators or seeds), which are decisions outside this program's config. " +
        "The validators' and seeds' own volumes and the network traffic are not declared resources: they are priced apart, from the stated volume claims and the usage files (\"With usage\"), and count in the first row.",
    );
  }
  lines.push(paragraph.join(""));
  return lines;
}

/** The usage-based lines apart from the declared resources: both saving figures, each line with its source, what is not stated. */
function usageSection(report: BudgetReport): string[] {
  const usage = report.usage;
  const sum = (pick: (s: BudgetReport["usage"]["perStack"][number]) => number) => usage.perStack.reduce((total, s) => total + pick(s), 0);
  const row = (stack: string, declaredBefore: number, declaredAfter: number, usageBefore: number, usageAfter: number) =>
    `| ${stack} | ${money(declaredBefore)} | ${money(declaredAfter)} | ${money(declaredBefore - declaredAfter)} | ${money(usageBefore)} | ${money(usageAfter)} | ${money(declaredBefore + usageBefore)} | ${money(declaredAfter + usageAfter)} | ${money(declaredBefore + usageBefore - declaredAfter - usageAfter)} |`;
  const files = usage.perStack.map((s) => `${s.stack}: ${s.file ? `\`${s.file}\`` : "no usage file"}`).join(", ");
  const lines = [
    "### With usage",
    "",
    `The declared resources above leave out what bills by use: traffic (egress by destination class, data a load balancer or Cloud NAT processes) and the stated workloads' own volume claims. They are priced apart, from each stack's usage file (${files}) and the volume claims stated in config \`poolWorkloads\` and \`seedPool.seedVolumeClaims\`, at the catalog's prices (internet egress tiered on the billing account's month). Where those prices come from: ${usage.priceSources.map((p) => `${p.figure}: ${p.source}${p.retrieved ? `, retrieved ${p.retrieved}` : ""}`).join("; ")}.`,
    "",
    "| stack | declared before | declared after | saving, declared | usage before | usage after | with usage before | with usage after | saving with usage |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...usage.perStack.map((s) => row(s.stack, s.declaredBefore, s.declaredAfter, s.usageBefore, s.usageAfter)),
    row("**total**", sum((s) => s.declaredBefore), sum((s) => s.declaredAfter), sum((s) => s.usageBefore), sum((s) => s.usageAfter)),
    "",
  ];
  const removed = usage.removed.reduce((total, r) => total + r.monthly, 0);
  const added = usage.added.reduce((total, r) => total + r.monthly, 0);
  if (usage.removed.length || usage.added.length) {
    lines.push(
      `Deleting resources deletes their usage: ${money(removed)} a month (${usage.removed.map((r) => `${r.stack} ${r.resource} (${r.type.split(":").pop()}) ${money(r.monthly)}`).join(", ") || "none"}); ` +
        `what the change adds uses ${money(added)} a month (${usage.added.map((r) => `${r.stack} ${r.resource} (${r.type.split(":").pop()}) ${money(r.monthly)}`).join(", ") || "none"}).`,
      "",
    );
  }
  lines.push("| stack | side | resource | usage | quantity | USD / month | source |", "|---|---|---|---|---:|---:|---|");
  for (const line of usage.lines.filter((l) => l.quantity !== 0)) {
    lines.push(`| ${line.stack} | ${line.side} | ${line.resource} | ${line.key}: ${line.description} | ${number(Number(line.quantity.toFixed(2)), 0)} ${line.unit} | ${money(line.monthly)} | ${line.source.replace(/\|/g, "\\|")} |`);
  }
  lines.push("");
  const named = (l: { stack: string; resource: string }) => `${l.stack} ${l.resource}`;
  const withTraffic = new Set(usage.lines.filter((l) => l.quantity !== 0).map(named));
  const zeroOnly = [...new Set(usage.lines.filter((l) => l.quantity === 0).map(named))].filter((name) => !withTraffic.has(name));
  if (zeroOnly.length) lines.push(`Stated as 0 GB (cluster-internal traffic only, each with its reason in its usage file): ${zeroOnly.join(", ")}.`, "");
  if (usage.notStated.length) {
    lines.push(`Usage not stated, so not priced (never counted as $0): ${usage.notStated.map((n) => `${n.stack} ${n.resource} (${n.type.split(":").pop()}, ${n.sides.join(" and ")}${n.reason ? `: ${n.reason}` : ""})`).join(", ")}.`, "");
  }
  return lines;
}

/** The disk migrations the stack files declare: adopted, in progress at a step, with the copy's one-off cost. */
function inProgressSection(report: BudgetReport): string[] {
  if (report.diskMigrations.length === 0) return [];
  const lines = [
    "### Changes in progress",
    "",
    "A disk migration runs as one `pulumi up` per step (copy, switch, retire); its saving counts as adopted once the stack file declares it. Until it is over the stack also bills the old disk (until retire) and the copy's snapshot: the review's after side above includes them, the adopted saving does not.",
    "",
    "| disk | change | status | saves / month once over | temporary / month | one-off cost of the copy / day in progress |",
    "|---|---|---|---:|---:|---:|",
    ...report.diskMigrations.map(
      (m) =>
        `| ${m.stack} ${m.disk} | ${m.fromType} -> ${m.toType} (new disk ${m.newDisk}) | ${migrationStatus(m)} | ${money(m.monthlySaving)} | ${money(m.temporaryMonthly)} (${m.temporary.join(", ")}) | ${money(m.temporaryDaily)} |`,
    ),
    "",
    `Adopted saving: the review's ${money(-report.review.totals.delta)} plus ${money(report.diskMigrations.reduce((sum, m) => sum + m.temporaryMonthly, 0))} billed only while in progress = **${money(report.adoptedMonthlySaving)} a month**.`,
    "",
  ];
  return lines;
}

export interface RenderedBudgetReport {
  markdown: string;
  charts: { name: string; content: string }[];
}

/** `chartNames` are the SVG file names beside the report (the markdown links them relatively). */
export function renderBudgetReport(report: BudgetReport, chartNames: { seedPool: string; testnet: string }): RenderedBudgetReport {
  const { review, seedPool, scenarios } = report;
  const total = review.totals;
  const saving = -total.delta;
  const seeds = report.seedPoolConfig;
  const seedBefore = seedPool.before?.monthly ?? 0;
  const seedAfter = seedPool.after?.monthly ?? 0;
  const testnetBefore = report.testnetPools.reduce((sum, p) => sum + (p.before?.monthly ?? 0), 0);
  const testnetAfter = report.testnetPools.reduce((sum, p) => sum + (p.after?.monthly ?? 0), 0);
  const savings = scenarios.map((s) => s.monthlySaving);
  const low = Math.min(...savings);
  const high = Math.max(...savings);
  const expected = PROPOSAL_EXPECTED_MONTHLY;

  const lines: string[] = [
    "# Infrastructure budget report",
    "",
    "Generated by `npm run report` from the committed baselines (before: " +
      Object.entries(report.baselineFiles).map(([stack, file]) => `\`${file}\` for ${stack}`).join(", ") +
      ") and the Pulumi program recorded offline (after), priced by the cost engine exactly as `infra-cost review` prices them. " +
      "Do not edit by hand: a test fails when this file is stale.",
    "",
    `Prices: ${report.catalog.source}; catalog date **${report.catalog.date}**, ${report.catalog.currency}, ${report.catalog.hoursPerMonth} hours a month.`,
    "",
    "## Summary",
    "",
    `| stack | before / month | after / month | saving / month | saving / year |`,
    `|---|---:|---:|---:|---:|`,
    ...report.perStack.map((s) => `| ${s.stack} | ${money(s.before)} | ${money(s.after)} | ${money(s.monthlySaving)} | ${money(s.monthlySaving * 12)} |`),
    `| **total** | **${money(total.before)}** | **${money(total.after)}** | **${money(saving)}** | **${money(saving * 12)}** |`,
    "",
    `The optimisation saves **${money(saving)} a month (${money(saving * 12)} a year)** as configured, ${percent(total.before, total.after)} of the two stacks' bill` +
      (report.diskMigrations.length ? ` while the disk migrations are in progress, and **${money(report.adoptedMonthlySaving)} a month** adopted, once they are over (see "Changes in progress")` : "") +
      "; " +
      `across the pricing options below the saving ranges from ${money(low)} to ${money(high)} a month (${money(low * 12)} to ${money(high * 12)} a year). ` +
      `The proposal expected ${money(expected.low)} to ${money(expected.high)} a month; ` +
      (high < expected.low
        ? `as configured, even the best pricing option alone stays ${money(expected.low - high)} a month below its low end (the changes still open are below).`
        : low > expected.high
          ? `the computed saving exceeds its high end.`
          : `the computed range reaches into it.`),
    "",
    ...usageSection(report),
    ...inProgressSection(report),
    "### Against the proposal's 2,000 to 4,500 USD a month",
    "",
    ...promiseStatement(report),
    "",
    "### Range across pricing options",
    "",
    "The before side is what was billed (on demand, as the baselines declare it); the after side is priced under each option.",
    "",
    "| pricing option | what it assumes | before / month | after / month | saving / month | saving / year |",
    "|---|---|---:|---:|---:|---:|",
    ...scenarios.map((s) => `| ${s.name} | ${s.description} | ${money(s.before)} | ${money(s.after)} | ${money(s.monthlySaving)} | ${money(s.yearlySaving)} |`),
    "",
    "## 1. Seed node pool: before vs after",
    "",
    `The pocket seed pool of prod (\`${seedPool.pool}\`). It runs ${seeds.seedReplicas} seed pods requesting ${number(seeds.cpuRequest, 2)} vCPU / ${number(seeds.memoryRequestGiB, 2)} GiB each ` +
      `(config \`seedPool.seedResources\`); the PodDisruptionBudget keeps ${seeds.minAvailableSeeds} available during a drain.`,
    "",
    ...poolTable([seedPool]),
    "",
    `Change: ${money(seedAfter - seedBefore)} a month (${percent(seedBefore, seedAfter)}), ${money((seedAfter - seedBefore) * 12)} a year.`,
    "",
    `![Seed node pool, USD a month before and after](${chartNames.seedPool})`,
    "",
    "## 2. Testnet cluster node pools: before vs after",
    "",
    "The testnet chains are decommissioned (validators use prod's blockchain nodes through the proxy); the blockchain node pool is sized from the chains left active.",
    "",
    ...poolTable(report.testnetPools),
    "",
    `Node pools: ${money(testnetBefore)} -> ${money(testnetAfter)} a month (${money(testnetAfter - testnetBefore)}, ${percent(testnetBefore, testnetAfter)}).`,
    "",
  ];
  if (report.testnetOtherChanges.length > 0) {
    lines.push("Other testnet resources whose cost changes (the chains' data disks, kept as snapshots):", "", "| resource | type | before | after | change / month |", "|---|---|---|---|---:|");
    lines.push(...report.testnetOtherChanges.map(changeRow), "");
  }
  lines.push(
    `![Testnet node pools and chain storage, USD a month before and after](${chartNames.testnet})`,
    "",
    "## 3. Every node pool: requests against allocatable",
    "",
    `Each pool's pods: the program's own workloads and, for the pods it does not manage, the demand stated per pool in config \`poolWorkloads\` (prod's seeds from \`seedPool\`), as the component declaring each pool carries it in the recorded graph (its \`statedDemand\` input). ` +
      `Requests are what the scheduler packs; ${Math.round(report.opportunities.headroom * 100)} % headroom is added; a vertical autoscaler's cap must fit one node; a PodDisruptionBudget, a one-per-node rule and the rule that a replicated workload never sits wholly on one node bound the pods per node. ` +
      "Allocatable is what GKE leaves to pods on all the pool's nodes. \"Now\" is the pool as configured (after any adopted change); \"sized\" is the cheapest fit the bin packing finds.",
    "",
    "| stack | pool | pods | requests (vCPU / GiB) | with headroom | now | allocatable now | sized | allocatable sized | outcome |",
    "|---|---|---:|---:|---:|---|---:|---|---:|---|",
    ...report.opportunities.pools.map((p) => {
      const shape = (side: typeof p.current | undefined) => (side ? `${side.nodes} x ${side.machineType}, ${money(side.monthly)}` : "(none fits)");
      const alloc = (side: typeof p.current | undefined) => (side ? `${number(side.allocatableCpu, 2)} / ${number(side.allocatableMemoryGiB, 2)}` : "-");
      const saving = report.opportunities.opportunities.find((o) => o.id === `${p.stack}/rightsizing/${p.pool}`)?.monthlySaving ?? 0;
      const outcome = p.outcome === "rightsized" ? `cheaper fit: ${money(saving)} a month` : p.outcome === "infeasible" ? "no machine type fits" : "kept: no cheaper fit";
      return `| ${p.stack} | ${p.pool} | ${p.requests.pods} | ${number(p.requests.cpu, 2)} / ${number(p.requests.memoryGiB, 2)} | ${number(p.withHeadroom.cpu, 2)} / ${number(p.withHeadroom.memoryGiB, 2)} | ${shape(p.current)} | ${alloc(p.current)} | ${shape(p.proposed)} | ${alloc(p.proposed)} | ${outcome}${p.inferred.length ? `; inferred demand: ${p.inferred.join(", ")}` : ""} |`;
    }),
    "",
    ...report.opportunities.pools.map((p) => `- ${p.stack} \`${p.pool}\`: ${p.demand}.${p.scheduler ? ` ${p.scheduler.text}${p.scheduler.finding ? `. **Finding:** ${p.scheduler.finding}` : ""}.` : ""}`),
    "",
    "## 4. Data disks: price and performance of each disk type",
    "",
    `For each data disk a stated workload mounts: what each persistent-disk type costs at its size and the IOPS and throughput it gives on the node the workload runs on (per-GiB rates and baselines, capped by the machine type's per-VM limits; ${report.opportunities.diskPerformance.source}, retrieved ${report.opportunities.diskPerformance.retrieved}; table in \`catalog/disk-performance.json\`). ` +
      "A type that gives less than the need is an option with its risk, never counted. Hyperdisk is not compared: the price catalog does not price it.",
    "",
    "| disk | size | node | type | USD / month | read IOPS | write IOPS | read MiB/s | write MiB/s | against the need |",
    "|---|---:|---|---|---:|---:|---:|---:|---:|---|",
    ...report.opportunities.disks.flatMap((d) =>
      d.options.map(
        (o) =>
          `| ${d.stack} ${d.disk} | ${number(d.sizeGb, 0)} GiB | ${d.machineType} (${d.pool}) | ${o.diskType}${o.diskType === d.currentType ? " (now)" : ""} | ${money(o.monthly)} | ${number(Math.round(o.performance.readIops), 0)} | ${number(Math.round(o.performance.writeIops), 0)} | ${number(Math.round(o.performance.readMiBps), 0)} | ${number(Math.round(o.performance.writeMiBps), 0)} | ${o.lower.length ? `lower: ${o.lower.join(", ")}` : "meets it"} |`,
      ),
    ),
    "",
    ...report.opportunities.disks.map((d) => `- ${d.stack} \`${d.disk}\` (${d.workload}): need ${describePerformance(d.need)}; ${d.needFrom}.`),
    "",
    "## 5. Remaining opportunities",
    "",
    `What \`infra-cost opportunities\` finds in the program as it is now (headroom ${Math.round(report.opportunities.headroom * 100)} % over pod requests), ranked by saving.`,
    "",
    renderOpportunitiesMarkdown(report.opportunities, 3).trimEnd(),
    "",
  );
  if (report.billed) lines.push(...renderBilledSection(report.billed, saving, expected));

  const testnetRows = [
    ...report.testnetPools.map((p) => ({ label: `pool ${p.pool}`, before: p.before?.monthly ?? 0, after: p.after?.monthly ?? 0 })),
    ...report.testnetOtherChanges.map((c) => ({ label: c.name, before: c.before?.monthly ?? 0, after: c.after?.monthly ?? 0 })),
  ];
  return {
    markdown: lines.join("\n") + "\n",
    charts: [
      {
        name: chartNames.seedPool,
        content: beforeAfterChartSvg(
          "Seed node pool: USD a month",
          `${seedPool.before?.nodes ?? 0} x ${seedPool.before?.machineType ?? "-"} -> ${seedPool.after?.nodes ?? 0} x ${seedPool.after?.machineType ?? "-"} (prices of ${report.catalog.date})`,
          [{ label: `pool ${seedPool.pool}`, before: seedBefore, after: seedAfter }],
        ),
      },
      {
        name: chartNames.testnet,
        content: beforeAfterChartSvg("Testnet cluster: USD a month", `node pools and chain storage (prices of ${report.catalog.date})`, testnetRows),
      },
    ],
  };
}

/** The chart files' names beside the report: docs/budget-report.md -> budget-report-seed-pool.svg, budget-report-testnet.svg. */
export function chartNames(out: string): { seedPool: string; testnet: string } {
  const stem = path.basename(out).replace(/\.[^.]+$/, "");
  return { seedPool: `${stem}-seed-pool.svg`, testnet: `${stem}-testnet.svg` };
}

/** The report's files as they would be written (the stale-report test compares these with the committed ones). */
export async function renderBudgetReportFiles(out: string, billing?: BillingInput): Promise<{ file: string; content: string }[]> {
  const rendered: RenderedBudgetReport = renderBudgetReport(await buildBudgetReport(billing ? { billing } : {}), chartNames(out));
  const dir = path.dirname(out);
  return [{ file: out, content: rendered.markdown }, ...rendered.charts.map((chart) => ({ file: path.join(dir, chart.name), content: chart.content }))];
}
