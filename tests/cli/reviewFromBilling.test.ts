/**
 * Issue 18 item 6, the bill calibrates the estimate, end to end on the fixtures
 * (tests/fixtures/billing-export/before-after/): `review --baseline-from-billing FILE --month
 * YYYYMM` (the before side as billed, per resource the bill names) and `review
 * --prices-from-billing FILE` (effective prices per SKU, the rest at list and counted).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main as infraCost } from "../../cli/infra-cost";
import { aggregateBillingFiles } from "../../billing/duckdbEngine";

const BEFORE_AFTER = path.join(__dirname, "..", "fixtures", "billing-export", "before-after");
const MAY = path.join(BEFORE_AFTER, "detailed-202105.json");
const JULY = path.join(BEFORE_AFTER, "detailed-202107.json");

async function review(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await infraCost(["review", ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const resource = (document: any, name: string, type: string) => document.resources.find((r: any) => r.name === name && r.type.endsWith(type));

describe("review --baseline-from-billing FILE --month YYYYMM", () => {
  let listed: any;
  let billed: any;
  beforeAll(async () => {
    const [list, bill] = await Promise.all([review(["--format", "json"]), review(["--baseline-from-billing", MAY, "--month", "202105", "--format", "json"])]);
    expect(bill.stderr).toBe("");
    expect(bill.code).toBe(0);
    listed = JSON.parse(list.stdout);
    billed = JSON.parse(bill.stdout);
  }, 240_000);

  it("takes each baseline resource's before side from the bill: its net for the month, scaled to 730 hours", async () => {
    const { lines } = await aggregateBillingFiles([MAY]);
    const seedsNet = lines
      .filter((line) => line.projectId === "pokt-network-prod" && line.nodePoolLabel === "seeds" && line.costType === "regular")
      .reduce((sum, line) => sum + line.cost + line.credits, 0);
    const seeds = resource(billed, "seeds", "NodePool");
    expect(seeds.before).toBeCloseTo((seedsNet * 730) / 744, 2);
    // The after side is the program, priced as before.
    expect(seeds.after).toBe(resource(listed, "seeds", "NodePool").after);
  });

  it("shows what the estimate did not know: prod's cluster fee billed net of the free tier credit", () => {
    expect(resource(listed, "prod", "Cluster").before).toBe(73);
    expect(resource(billed, "prod", "Cluster").before).toBe(0);
    expect(billed.stacks.prod.before).toBeCloseTo(listed.stacks.prod.before - 73, 0);
    expect(billed.catalog.source).toMatch(/before side billed in 202105 \(detailed-202105\.json; prod: [\d.]+ USD billed in 202105 that the baseline does not declare, left out of both sides/);
  });

  it("refuses --baseline-from-billing without --month, a month not YYYYMM, and a month the bill lacks: exit 2, one line", async () => {
    const noMonth = await review(["--baseline-from-billing", MAY]);
    expect(noMonth.code).toBe(2);
    expect(noMonth.stderr.trim().split("\n")).toHaveLength(1);
    expect(noMonth.stderr).toContain("--month");
    const badMonth = await review(["--baseline-from-billing", MAY, "--month", "May 2021"]);
    expect(badMonth.code).toBe(2);
    expect(badMonth.stderr).toMatch(/--month.*"May 2021" is not an invoice month YYYYMM/);
    const absent = await review(["--baseline-from-billing", MAY, "--month", "202106"]);
    expect(absent.code).toBe(2);
    expect(absent.stderr.trim().split("\n")).toHaveLength(1);
    expect(absent.stderr).toMatch(/detailed-202105\.json.*invoice\.month.*no rows for project pokt-network-prod \(stack prod\) in month 202106 \(months in the bill: 202105\)/);
  }, 240_000);
});

describe("review --prices-from-billing FILE", () => {
  let listed: any;
  let learned: any;
  beforeAll(async () => {
    const [list, bill] = await Promise.all([review(["--format", "json"]), review(["--prices-from-billing", JULY, "--format", "json"])]);
    expect(bill.stderr).toBe("");
    expect(bill.code).toBe(0);
    listed = JSON.parse(list.stdout);
    learned = JSON.parse(bill.stdout);
  }, 240_000);

  it("prices at the account's effective prices: N1 net of its sustained-use credits gives the engine's own figure; the cluster fee net of one free tier", () => {
    // The July bill pays N1 at list less the 30 % sustained-use credit: learned, the machines cost what the engine's discounted list price says.
    expect(resource(learned, "seeds", "NodePool").after).toBeCloseTo(resource(listed, "seeds", "NodePool").after, 1);
    // Two clusters billed 1,488 hours, one fee netted by the free tier: 0.05 USD an hour each, not 0.10.
    expect(resource(learned, "prod", "Cluster").after).toBeCloseTo(36.5, 2);
    expect(resource(learned, "testnet", "Cluster").after).toBeCloseTo(36.5, 2);
  });

  it("says which SKUs it learned, counts the bill's SKUs it could not use and the components left at list", () => {
    const source: string = learned.catalog.source;
    expect(source).toMatch(/effective prices learned from the bill \(detailed-202107\.json\): \d+ SKU price\(s\) replace list figures/);
    expect(source).toContain("n1 core per hour on-demand in us-east1");
    expect(source).toContain("GKE cluster fee per hour 0.050000 for 0.100000 at list");
    expect(source).toMatch(/1 SKU\(s\) of the bill price nothing the catalog holds \(Storage PD Snapshot in US: no region on its rows\)/);
    expect(source).toMatch(/Cost components of both sides: \d+ priced at learned prices, \d+ at list/);
  });

  it("prices the PR estimate too (estimate --prices-from-billing): a stack export at the May bill's prices", async () => {
    const run = async (args: string[]) => {
      let stdout = "";
      const code = await infraCost(["estimate", "--state", "baselines/prod.json", "--format", "json", ...args], { stdout: (t) => (stdout += t), stderr: () => undefined });
      expect(code).toBe(0);
      return JSON.parse(stdout);
    };
    const [list, learnedPrices] = await Promise.all([run([]), run(["--prices-from-billing", MAY])]);
    // N1 and the disks at their effective prices equal the engine's list less sustained use; the cluster fee is half (one of two clusters free).
    expect(learnedPrices.totals.after).toBeCloseTo(list.totals.after - 36.5, 1);
    expect(learnedPrices.catalog.source).toContain("0 SKU(s) of the bill price nothing the catalog holds");
  }, 240_000);

  it("refuses a file that is not a bill: exit 2, one line naming it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-from-billing-"));
    const file = path.join(dir, "bill.json");
    fs.writeFileSync(file, '{"cost": 1.0}\n{not json\n');
    try {
      const result = await review(["--prices-from-billing", file]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
