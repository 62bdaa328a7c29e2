/**
 * Issue 18 item 5: `infra-cost report --billing FILE --before-month YYYYMM --after-month YYYYMM`
 * gains the billed side (tests/fixtures/billing-export/before-after/: May 2021 billing the
 * baselines, July 2021 the program, figures from the catalog). Without billing files the report is
 * the committed one; a bill that differs shows up in the saving and in what explains it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main as infraCost } from "../../cli/infra-cost";
import { buildReview } from "../../review/buildReview";
import { PROJECT_ROOT } from "../../program/projectRoot";

const BEFORE_AFTER = path.join(__dirname, "..", "fixtures", "billing-export", "before-after");
const REPORT = path.join(PROJECT_ROOT, "docs", "budget-report.md");

const scratchDirs: string[] = [];
const scratch = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "billed-report-"));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => scratchDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

async function report(args: string[]): Promise<{ code: number; stdout: string; stderr: string; markdown: string | null; out: string }> {
  const out = path.join(scratch(), "budget-report.md");
  let stdout = "";
  let stderr = "";
  const code = await infraCost(["report", "--out", out, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr, markdown: fs.existsSync(out) ? fs.readFileSync(out, "utf8") : null, out };
}

const money = (text: string) => Number(text.replace(/[$,]/g, ""));
/** A pool's row in the billed section (section 1 and 2 have rows of the same pools). */
function row(markdown: string, pool: string, month: "before" | "after"): string[] {
  const section = markdown.slice(markdown.indexOf("## 6. From the bill"));
  const line = section.split("\n").find((l) => l.startsWith(`| ${pool} | ${month} |`));
  if (!line) throw new Error(`no row for ${pool} ${month}`);
  return line.split("|").map((cell) => cell.trim()).slice(1, -1);
}

describe("the budget report's billed side", () => {
  let billed: Awaited<ReturnType<typeof report>>;
  let estimate: number;
  beforeAll(async () => {
    billed = await report(["--billing", BEFORE_AFTER, "--before-month", "202105", "--after-month", "202107"]);
    estimate = -(await buildReview({ stack: "all" })).review.totals.delta;
  }, 240_000);

  it("is the committed report with one section more", () => {
    expect(billed.stderr).toBe("");
    expect(billed.code).toBe(0);
    const committed = fs.readFileSync(REPORT, "utf8");
    const [head, section] = billed.markdown!.split("## 6. From the bill: 202105 (before) vs 202107 (after)\n");
    // The charts' names follow --out; the rest is byte for byte the committed report.
    expect(head.replace(/budget-report-(seed-pool|testnet)\.svg/g, "X")).toBe(committed.replace(/budget-report-(seed-pool|testnet)\.svg/g, "X"));
    expect(section).toContain("### Seed node pool, billed");
  });

  it("bills the seed pool and the testnet pools before and after as the fixture's rows sum (baselines before, program after)", () => {
    const md = billed.markdown!;
    // May 2021 bills the baseline's 10 x n1-standard-4 seeds, July the program's pool: predicted and billed agree (the fixture is priced from the catalog).
    const [, , seedsBeforePredicted, seedsBeforeList, seedsBeforeCredits, seedsBeforeNet] = row(md, "seeds", "before");
    expect(money(seedsBeforeNet)).toBeCloseTo(money(seedsBeforePredicted), 1);
    expect(money(seedsBeforeList) + money(seedsBeforeCredits)).toBeCloseTo(money(seedsBeforeNet), 1);
    const seedsAfterNet = money(row(md, "seeds", "after")[5]);
    expect(seedsAfterNet).toBeLessThan(money(seedsBeforeNet));
    // The testnet blockchain pool is gone after the change: billed before, absent after.
    expect(money(row(md, "blockchain-nodes", "before")[5])).toBeGreaterThan(0);
    expect(row(md, "blockchain-nodes", "after")[2]).toBe("(none)");
  });

  it("sets the saving billed against the estimate and the proposal, and explains the difference line by line", () => {
    const md = billed.markdown!;
    const sentence = /\*\*(\$[\d,.]+) a month billed\*\* against \*\*(\$[\d,.]+) estimated\*\*/.exec(md);
    expect(sentence).not.toBeNull();
    expect(money(sentence![2])).toBeCloseTo(estimate, 2);
    // Figures from the catalog: the bill saves what the engine estimates, to a few cents of rounding.
    expect(Math.abs(money(sentence![1]) - estimate)).toBeLessThan(0.05);
    expect(md).toMatch(/against the proposal's \$2,000\.00 to \$4,500\.00: /);
    // Lines billed alike in both months (the validators' volume, the debug VM, the free tier credit) cancel out.
    expect(md).toMatch(/\| prod \| not declared by the program: Compute Engine \/ SSD backed PD Capacity \| \+\$[\d,.]+ \| -\$[\d,.]+ \| \$0\.00 \|/);
  });
});

describe("a bill that differs from the estimate", () => {
  it("names what it bills beyond the program after the change, and the saving shrinks by it", async () => {
    const dir = scratch();
    fs.copyFileSync(path.join(BEFORE_AFTER, "detailed-202105.json"), path.join(dir, "detailed-202105.json"));
    const after = fs.readFileSync(path.join(BEFORE_AFTER, "detailed-202107.json"), "utf8");
    const egress = JSON.parse(after.split("\n")[0]);
    Object.assign(egress, {
      sku: { id: "9DE9-9092-B3BC", description: "Network Internet Egress from Americas to Americas" },
      labels: [],
      system_labels: [],
      resource: { name: null, global_name: null },
      cost: 186.0,
      cost_at_list: 186.0,
      credits: [],
      usage: { amount: 1550 * 2 ** 30, unit: "bytes", amount_in_pricing_units: 1550, pricing_unit: "gibibyte" },
    });
    fs.writeFileSync(path.join(dir, "detailed-202107.json"), after + JSON.stringify(egress) + "\n");
    const base = await report(["--billing", BEFORE_AFTER, "--before-month", "202105", "--after-month", "202107"]);
    const changed = await report(["--billing", dir, "--before-month", "202105", "--after-month", "202107"]);
    expect(changed.code).toBe(0);
    const saving = (md: string) => money(/\*\*(\$[\d,.]+) a month billed\*\*/.exec(md)![1]);
    // 186 USD in a 744-hour month is 182.50 USD a 730-hour month.
    expect(saving(base.markdown!) - saving(changed.markdown!)).toBeCloseTo(186 * (730 / 744), 1);
    expect(changed.markdown).toMatch(/\| prod \| not declared by the program: Compute Engine \/ Network Internet Egress from Americas to Americas \| \$0\.00 \| -\$182\.50 \| -\$182\.50 \|/);
  }, 240_000);
});

describe("bad input", () => {
  it("needs the months with the billing files: exit 2, one line, nothing written", async () => {
    const result = await report(["--billing", BEFORE_AFTER, "--before-month", "202105"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("--after-month");
    expect(result.markdown).toBeNull();
  });

  it("refuses a month that is not YYYYMM, and an after month not after the before month", async () => {
    const bad = await report(["--billing", BEFORE_AFTER, "--before-month", "2021-05", "--after-month", "202107"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--before-month.*"2021-05" is not an invoice month YYYYMM/);
    const reversed = await report(["--billing", BEFORE_AFTER, "--before-month", "202107", "--after-month", "202105"]);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain("--after-month");
  });

  it("names the file and invoice.month when a month has no rows for a stack", async () => {
    const result = await report(["--billing", BEFORE_AFTER, "--before-month", "202104", "--after-month", "202107"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/before-after.*invoice\.month.*no rows for project pokt-network-prod \(stack prod\) in month 202104/);
    expect(result.markdown).toBeNull();
  }, 240_000);
});
