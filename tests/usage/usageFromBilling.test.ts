/**
 * `infra-cost usage --from-billing`: a usage file derived from the reconcile fixtures (golden),
 * which the review then prices; the SKU mapping; bad options.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { loadCatalog } from "../../catalog/catalog";
import { trafficSku, usageFromBilling } from "../../billing/usageFromBilling";
import type { BilledLine } from "../../billing/billedLine";
import { priceResources } from "../../cost/engine";
import { readStackExport } from "../../cost/sources/stackExport";
import { parseUsageFile } from "../../usage/readUsageFile";
import { priceUsage, tieredCost } from "../../usage/priceUsage";
import { expectGoldenFile } from "../golden";
import { runCli } from "../cost/runCli";

const root = path.join(__dirname, "..", "..");
const fixture = path.join(root, "tests", "fixtures", "billing-export", "detailed-202106.json");

describe("a usage file from the billing export", () => {
  it("sums the traffic SKUs per node pool or cluster, marked with the month", async () => {
    const { code, stdout, stderr } = await runCli(["usage", "--from-billing", fixture, "--month", "202106", "--stack", "prod"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expectGoldenFile(path.join(__dirname, "golden", "usage-from-billing-prod-202106.json"), { text: stdout });
    const usage = parseUsageFile(parse(stdout), "usage.prod.yml");
    expect(usage.resource_usage.prod.source).toMatch(/^billing export 202106/);

    // The review prices it: the cluster's internet egress at the tiers of its month.
    const catalog = loadCatalog();
    const records = readStackExport(path.join(root, "baselines", "prod.json")).resources;
    const [priced] = priceUsage([{ stack: "prod", usageFile: { file: "usage.prod.yml", shown: "usage.prod.yml", usage }, before: null, after: { records, priced: priceResources(records, catalog) } }], catalog);
    const gib = 1186.4;
    expect(priced.lines.find((l) => l.key === "internet_egress_gb.north_america")!.monthly).toBeCloseTo(tieredCost(catalog.usage.internetEgress.worldwide["us-east1"], gib), 6);
  }, 60_000);

  it("writes --out whole, and refuses a month that is not YYYYMM", async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "usage-")), "usage.prod.yml");
    expect((await runCli(["usage", "--from-billing", fixture, "--month", "202106", "--stack", "prod", "--out", out])).code).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toMatch(/^# Usage of stack prod/);
    const bad = await runCli(["usage", "--from-billing", fixture, "--month", "2021-06", "--stack", "prod"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('infra-cost: --month: "2021-06" is not an invoice month YYYYMM (e.g. 202106)\n');
  }, 60_000);

  it("names a traffic SKU billed without a usage amount in the header instead of writing 0 GiB", () => {
    const line = (usage: number, nodePool: string): BilledLine => ({
      invoiceMonth: "202106", projectId: "p", costType: "regular", currency: "USD", service: "Compute Engine", skuId: "9DE9-9092-B3BC",
      skuDescription: "Network Internet Egress from Americas to Americas", resourceName: null, resourceGlobalName: null, clusterLabel: "prod",
      nodePoolLabel: nodePool, teamLabel: null, envLabel: null, componentLabel: null, blockchainNodeLabel: null, usagePricingUnit: "gibibyte",
      region: null, problem: null, cost: 12, costAtList: 12, credits: 0, usageInPricingUnits: usage, rows: 1, convertedRows: 0, listFromCostRows: 0,
    });
    const result = usageFromBilling([line(0, "seeds"), line(100, "pocket-core")], "202106", { stack: "prod", project: "p", cluster: "prod" }, "bill.parquet");
    expect(result.usage).toEqual({ "pocket-core": { internet_egress_gb: { north_america: 100 } } });
    expect(result.unknownSkus).toEqual(["Network Internet Egress from Americas to Americas (no usage amount in the bill)"]);
  });

  it.each([
    ["Network Internet Egress from Americas to Americas", { key: "internet_egress_gb", destination: "north_america" }],
    ["Network Internet Egress from Americas to EMEA", { key: "internet_egress_gb", destination: "europe" }],
    ["Network Internet Egress from Americas to China", { key: "internet_egress_gb", destination: "china" }],
    ["Network Inter Zone Egress", { key: "inter_zone_egress_gb" }],
    ["Network Inter Region Egress from Americas to Americas", { key: "inter_region_north_america_egress_gb" }],
    ["Network Load Balancing: Data Processing Charge in Americas", { key: "load_balancer_data_gb" }],
    ["Cloud NAT Gateway: Data Processing", { key: "cloud_nat_data_gb" }],
    ["Network Internet Egress from Americas to Antarctica", "unknown traffic"],
    ["N1 Predefined Instance Core running in Americas", undefined],
  ])("%s", (description, expected) => {
    expect(trafficSku(description)).toEqual(expected);
  });
});
