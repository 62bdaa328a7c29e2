/**
 * Issue 18, `infra-cost reconcile` through the entry point: the JSON contract
 * (docs/reconcile-json-contract.md), the same report from every form of the fixtures,
 * --fail-above-drift-percent (exit 3, the report still written), --out complete or absent, and bad
 * input: exit 2 and one line naming the file, the row (line, or row and row group) and the column.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import { main as infraCost } from "../../cli/infra-cost";

const FIXTURES = path.join(__dirname, "..", "fixtures", "billing-export");
const fixture = (name: string) => path.join(FIXTURES, name);
const DETAILED_LINES = fs.readFileSync(fixture("detailed-202106.json"), "utf8").trimEnd().split("\n");

const scratchDirs: string[] = [];
const scratch = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reconcile-test-"));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => scratchDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await infraCost(["reconcile", ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** A copy of the fixture's NDJSON with one row changed (1-based line). */
function withLine(line: number, change: (row: Record<string, any>) => Record<string, any> | string): string {
  const file = path.join(scratch(), "export.json");
  const lines = DETAILED_LINES.map((text, index) => {
    if (index + 1 !== line) return text;
    const changed = change(JSON.parse(text));
    return typeof changed === "string" ? changed : JSON.stringify(changed);
  });
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

describe("infra-cost reconcile", () => {
  let json: any;
  beforeAll(async () => {
    const result = await run(["--billing", fixture("detailed-202106.json"), "--format", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    json = JSON.parse(result.stdout);
  }, 120_000);

  it("prints the JSON contract: per month and stack billedNet, billedList, credits, predicted, coverage; per resource name, type, billedNet, predicted", () => {
    expect(json).toMatchObject({ version: 1, currency: "USD", engine: "DuckDB", converted: { rows: 1, currencies: ["EUR"] } });
    expect(json.months.map((month: any) => [month.month, month.hours, month.stacks.map((stack: any) => stack.stack)])).toEqual([["202106", 720, ["prod", "testnet"]]]);
    for (const stack of json.months[0].stacks) {
      for (const field of ["billedNet", "billedList", "credits", "predicted", "coverage", "driftUsd", "driftPercent", "undeclared", "largestUndeclared", "charges"]) expect(stack).toHaveProperty(field);
      for (const resource of stack.resources) for (const field of ["name", "type", "kind", "billedNet", "predicted", "billedList", "credits", "driftUsd", "driftPercent"]) expect(resource).toHaveProperty(field);
    }
    const seeds = json.months[0].stacks[0].resources.find((resource: any) => resource.name === "seeds");
    expect(seeds).toMatchObject({ type: "gcp:container/nodePool:NodePool", kind: "nodePool", billedNet: 202.23 });
  });

  it.each([["detailed-202106.json.gz"], ["detailed-202106.parquet"], ["shards"]])("%s gives the same report as the NDJSON", async (form) => {
    const result = await run(["--billing", fixture(form), "--format", "json"]);
    expect(result.code).toBe(0);
    const other = JSON.parse(result.stdout);
    expect(other.months).toEqual(json.months);
  });

  it("FOCUS gives the same billed figures per resource (every form of the same month agrees)", async () => {
    const result = await run(["--billing", fixture("focus-1.0-202106.csv"), "--format", "json"]);
    expect(result.code).toBe(0);
    const focus = JSON.parse(result.stdout);
    const billed = (document: any) => document.months[0].stacks.map((stack: any) => [stack.stack, stack.billedNet, stack.credits, stack.resources.map((resource: any) => [resource.name, resource.billedNet])]);
    expect(billed(focus)).toEqual(billed(json));
    expect(focus.inputs).toEqual([`${fixture("focus-1.0-202106.csv")} (FOCUS 1.0)`]);
  });

  it("--month and --stack select; the table and markdown say the coverage and the undeclared lines", async () => {
    const table = await run(["--billing", fixture("detailed-202106.json"), "--month", "202106", "--stack", "testnet"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("202106 testnet (project pokt-network-testnet, cluster testnet; predicted from program): coverage");
    expect(table.stdout).not.toContain("202106 prod");
    expect(table.stdout).toContain("1 row(s) in EUR were converted to USD with their currency_conversion_rate.");
    const markdown = await run(["--billing", fixture("detailed-202106.json"), "--stack", "prod", "--format", "markdown"]);
    expect(markdown.stdout).toContain("## 202106: prod");
    expect(markdown.stdout).toContain("| Compute Engine | SSD backed PD Capacity | $255.00 |");
  });

  it("--fail-above-drift-percent exits 3 after writing the whole report; below the drifts it exits 0", async () => {
    const out = path.join(scratch(), "drift.json");
    const failing = await run(["--billing", fixture("detailed-202106.json"), "--stack", "prod", "--format", "json", "--out", out, "--fail-above-drift-percent", "50"]);
    expect(failing.code).toBe(3);
    expect(failing.stderr).toBe("infra-cost reconcile: 3 drift(s) beyond 50%, the first 202106 prod geth-mainnet-data-pd-balanced at -100%\n");
    // The stack (its June bill predates the change) and the migration's copy disk and snapshot, declared at step copy but not yet billed.
    const threshold = JSON.parse(fs.readFileSync(out, "utf8")).threshold;
    expect(threshold.percent).toBe(50);
    expect(threshold.exceeded.map((e: { name: string; driftPercent: number }) => [e.name, e.driftPercent])).toEqual([["geth-mainnet-data-pd-balanced", -100], ["geth-mainnet-data-to-pd-balanced", -100], ["prod", -100]]);
    const passing = await run(["--billing", fixture("detailed-202106.json"), "--stack", "prod", "--fail-above-drift-percent", "100"]);
    expect(passing.code).toBe(0);
  });

  it("--baseline prices the stack export instead of the program", async () => {
    const result = await run(["--billing", fixture("detailed-202106.json"), "--stack", "prod", "--baseline", path.join(__dirname, "..", "..", "baselines", "prod.json"), "--format", "json"]);
    expect(result.code).toBe(0);
    const stack = JSON.parse(result.stdout).months[0].stacks[0];
    expect(stack.predictedFrom).toBe("baseline prod.json");
    expect(stack.predicted).not.toBe(json.months[0].stacks[0].predicted);
  });
});

describe("rows without a list cost (cost_at_list null on a tax row, or an export older than the column)", () => {
  const listOf = (document: any) => document.months[0].stacks.map((stack: any) => [stack.stack, stack.billedList, stack.billedNet]);

  it("a null cost_at_list counts the row's cost as its list cost, and the report says how many rows", async () => {
    const taxLine = DETAILED_LINES.findIndex((text) => JSON.parse(text).cost_type === "tax") + 1;
    const file = withLine(taxLine, (row) => ({ ...row, cost_at_list: null }));
    const result = await run(["--billing", file, "--format", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.listFromCost).toEqual({ rows: 1 });
    const complete = JSON.parse((await run(["--billing", fixture("detailed-202106.json"), "--format", "json"])).stdout);
    expect(complete.listFromCost).toEqual({ rows: 0 });
    // The fixture's list cost equals its cost on every row: the same figures either way.
    expect(listOf(document)).toEqual(listOf(complete));
    const table = await run(["--billing", file]);
    expect(table.stdout).toContain("1 row(s) had no list cost (cost_at_list / ListCost): their cost before credits is counted as their list cost.");
  });

  it("an export without the column reconciles with every row's list cost from its cost; where the column is present, it is read", async () => {
    const rows = DETAILED_LINES.map((text) => JSON.parse(text));
    const dir = scratch();
    const without = path.join(dir, "without.json");
    fs.writeFileSync(without, rows.map(({ cost_at_list: _dropped, ...row }) => JSON.stringify(row)).join("\n") + "\n");
    const result = await run(["--billing", without, "--format", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    // One row of the fixture is an older copy of a re-exported row: only the latest counts.
    expect(document.listFromCost.rows).toBe(rows.length - 1);
    // A list price above the cost (a negotiated discount) is read where the column has it.
    const discounted = withLine(1, (row) => ({ ...row, cost_at_list: row.cost * 2 }));
    const withList = JSON.parse((await run(["--billing", discounted, "--format", "json"])).stdout);
    const first = rows[0];
    const stackOf = (document: any) => document.months[0].stacks.find((stack: any) => stack.stack === (first.project.id.endsWith("testnet") ? "testnet" : "prod"));
    const complete = JSON.parse((await run(["--billing", fixture("detailed-202106.json"), "--format", "json"])).stdout);
    expect(stackOf(withList).billedList).toBeCloseTo(stackOf(complete).billedList + first.cost, 2);
    expect(stackOf(withList).billedNet).toBeCloseTo(stackOf(complete).billedNet, 2);
  });
});

describe("rows alike but for their price tier are different charges, not copies", () => {
  it("two rows of one SKU, hour and resource at two price tiers, exported together, both count; a later copy of both replaces both", async () => {
    const rows = DETAILED_LINES.map((text) => JSON.parse(text));
    const index = rows.findIndex((row) => row.project.id === "pokt-network-prod" && row.cost_type === "regular" && row.resource?.name);
    const base = rows[index];
    const tiers = [
      { ...base, price: { effective_price: "0.12", tier_start_amount: "0", unit: "gibibyte", pricing_unit_quantity: "1" } },
      { ...base, cost: 7, cost_at_list: 7, price: { effective_price: "0.11", tier_start_amount: "1024", unit: "gibibyte", pricing_unit_quantity: "1" } },
    ];
    const write = (extra: object[]) => {
      const file = path.join(scratch(), "export.json");
      fs.writeFileSync(file, [...rows.filter((_, i) => i !== index), ...extra].map((row) => JSON.stringify(row)).join("\n") + "\n");
      return file;
    };
    const prodCost = async (file: string) => {
      const result = await run(["--billing", file, "--format", "json"]);
      expect(result.stderr).toBe("");
      return JSON.parse(result.stdout).months[0].stacks.find((stack: any) => stack.stack === "prod").billedCost;
    };
    const single = await prodCost(write([{ ...base, price: tiers[0].price }]));
    expect(await prodCost(write(tiers))).toBeCloseTo(single + 7, 2);
    // Re-exported later with new figures: the latest copy of each tier counts, once.
    const later = tiers.map((row) => ({ ...row, cost: row.cost + 1, cost_at_list: row.cost + 1, export_time: "2099-01-01T00:00:00Z" }));
    expect(await prodCost(write([...tiers, ...later]))).toBeCloseTo(single + 7 + 2, 2);
  });
});

describe("bad input: exit 2, one line naming the file, the row and the column, nothing written", () => {
  const expectBad = async (args: string[], line: string | RegExp) => {
    const out = path.join(scratch(), "report.json");
    const result = await run([...args, "--stack", "prod", "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    if (typeof line === "string") expect(result.stderr).toBe(`infra-cost reconcile: ${line}\n`);
    else expect(result.stderr).toMatch(line);
    expect(fs.existsSync(out)).toBe(false);
  };

  it("a truncated line", async () => {
    const file = withLine(4, () => DETAILED_LINES[3].slice(0, 200));
    await expectBad(["--billing", file], `${file}: line 4: truncated JSON (the line ends inside a value)`);
  });

  it("a line that is not JSON", async () => {
    const file = withLine(2, () => "<html>quota exceeded</html>");
    await expectBad(["--billing", file], new RegExp(`^infra-cost reconcile: ${file}: line 2: not JSON \\(`));
  });

  it("a truncated gzip file", async () => {
    const file = path.join(scratch(), "export.json.gz");
    const whole = fs.readFileSync(fixture("detailed-202106.json.gz"));
    fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    await expectBad(["--billing", file], new RegExp(`^infra-cost reconcile: ${file}: line \\d+: the gzip stream ends early \\(a truncated file\\)\\n$`));
  });

  it("a row without a required column (cost), by line", async () => {
    const file = withLine(7, (row) => {
      delete row.cost;
      return row;
    });
    await expectBad(["--billing", file], `${file}: line 7: column cost: missing or empty (required)`);
  });

  it("a row without invoice.month", async () => {
    const file = withLine(3, (row) => ({ ...row, invoice: { publisher_type: "GOOGLE" } }));
    await expectBad(["--billing", file], `${file}: line 3: column invoice.month: missing or empty (required)`);
  });

  it("a row in another currency without a conversion rate (mixed currencies)", async () => {
    const file = withLine(5, (row) => ({ ...row, currency: "JPY", currency_conversion_rate: null }));
    await expectBad(["--billing", file], `${file}: line 5: column currency_conversion_rate: empty for a row not in USD: cannot convert it (mixed currencies need the row's conversion rate)`);
  });

  it("a Parquet row without a required value, by row and row group", async () => {
    const file = path.join(scratch(), "export.parquet");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    // 6,000 rows in row groups of 2,048: row 4,500 is in the third group (row group 2).
    await connection.run(`CREATE TABLE copies AS SELECT ROW_NUMBER() OVER () AS n, * FROM read_parquet('${fixture("detailed-202106.parquet")}'), range(200) AS copy(k)`);
    await connection.run(`COPY (SELECT * EXCLUDE (n, k) REPLACE (CASE WHEN n = 4500 THEN NULL ELSE cost END AS cost) FROM copies ORDER BY n) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    connection.closeSync();
    instance.closeSync();
    await expectBad(["--billing", file], `${file}: row 4500 (row group 2): column cost: missing or empty (required)`);
  });

  it("a FOCUS file without a required column", async () => {
    const file = path.join(scratch(), "focus.csv");
    const [header, ...rows] = fs.readFileSync(fixture("focus-1.0-202106.csv"), "utf8").split("\n");
    fs.writeFileSync(file, [header.replace("BilledCost", "Billed"), ...rows].join("\n"));
    await expectBad(["--billing", file], `${file}: column BilledCost: missing: not FOCUS 1.0–1.2 (required: BilledCost, ListCost, BillingPeriodStart, ChargeCategory, BillingCurrency, SubAccountId)`);
  });

  it("an unknown FOCUS version (0.5's AmortizedCost)", async () => {
    const file = path.join(scratch(), "focus.csv");
    const [header, ...rows] = fs.readFileSync(fixture("focus-1.0-202106.csv"), "utf8").split("\n");
    fs.writeFileSync(file, [header.replace("EffectiveCost", "AmortizedCost"), ...rows].join("\n"));
    await expectBad(["--billing", file], `${file}: column AmortizedCost: unknown FOCUS version (AmortizedCost without EffectiveCost is FOCUS 0.5; read: FOCUS 1.0, 1.1, 1.2)`);
  });

  it("a month with no rows for the stack's project", async () => {
    await expectBad(["--billing", fixture("detailed-202106.json"), "--month", "202107"], `${fixture("detailed-202106.json")}: invoice.month: no rows for project pokt-network-prod (stack prod) in month 202107 (months in the bill: 202106)`);
  });

  it("a file that is not a billing file, a missing file, a malformed --month, no source", async () => {
    const text = path.join(scratch(), "bill.txt");
    fs.writeFileSync(text, "hello");
    await expectBad(["--billing", text], `${text}: not a billing file (allowed: .json/.jsonl/.ndjson, .csv, each optionally .gz, and .parquet)`);
    await expectBad(["--billing", path.join(scratch(), "absent.json")], /absent\.json: cannot read \(ENOENT\)\n$/);
    await expectBad(["--billing", fixture("detailed-202106.json"), "--month", "2021-06"], `--month: "2021-06" is not an invoice month YYYYMM (e.g. 202106)`);
    await expectBad([], "--billing: give billing files (--billing FILE, repeatable) or a table (--bigquery PROJECT.DATASET.TABLE), one of the two");
  });
});
