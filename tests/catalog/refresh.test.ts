/**
 * The price refresh against the Cloud Billing Catalog API responses recorded in
 * tests/fixtures/billing/ (from OpenCost's tests). Only the transport is replaced: the real
 * `CloudCatalogClient` (REST) encodes the request, pages through `nextPageToken` and decodes the
 * JSON; an auth client with a fixed token hands its HTTP requests to `serveSkuPages`.
 *
 * What the fixtures hold (23 SKUs over two pages, service 6F81-5844-456A):
 *   page 1: A2 core/RAM + Nvidia Tesla A100 GPU in us-central1/us-east1/us-west1 (USD);
 *           E2 core/RAM in the same three regions and T2D core/RAM in asia-southeast1, priced in
 *           IDR with currencyConversionRate 14999.999925 (USD x rate = IDR); nextPageToken set.
 *   page 2: N4A and N4D core/RAM on-demand and spot in us-central1, plus custom, sole-tenancy and
 *           reservation SKUs that price nothing the catalog holds.
 * No disks, addresses or commitments: those are exercised with SKUs constructed below.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OAuth2Client } from "google-auth-library";
import { loadCatalog, type PriceCatalog } from "../../catalog/catalog";
import { NO_CREDENTIALS_MESSAGE, PriceRefreshError, type CatalogClientOptions } from "../../catalog/billingApi";
import { describeCoverage, type RefreshResult } from "../../catalog/priceCoverage";
import { refreshCatalog } from "../../catalog/refresh";
import { runCommand, type CommandIo } from "../../cli/command";
import { pricesRefreshCommand, type PricesRefreshCommandOptions } from "../../cli/pricesRefreshCommand";
import { expectGoldenFile } from "../golden";

const FIXTURES = path.join(__dirname, "..", "fixtures", "billing");
const firstPage = JSON.parse(fs.readFileSync(path.join(FIXTURES, "billing-skus-opencost.json"), "utf8"));
const secondPage = JSON.parse(fs.readFileSync(path.join(FIXTURES, "billing-skus-opencost-n4.json"), "utf8"));
const committed = loadCatalog();
const NOW = new Date("2026-08-15T10:00:00Z");

interface ServedRequest {
  url: URL;
  authorization: string | null;
}

/**
 * Client options whose HTTP goes to `pages` instead of Google: the first request (no pageToken)
 * gets pages[0], a request carrying page N's nextPageToken gets page N+1, anything else a 400.
 */
function serveSkuPages(pages: object[], respond?: (url: URL) => Response | undefined) {
  const requests: ServedRequest[] = [];
  const fetchImplementation = async (input: unknown, init?: { headers?: ConstructorParameters<typeof Headers>[0] }) => {
    const url = new URL(String(input));
    requests.push({ url, authorization: new Headers(init?.headers).get("authorization") });
    const custom = respond?.(url);
    if (custom) return custom;
    const token = url.searchParams.get("pageToken");
    const index = token === null ? 0 : pages.findIndex((page: any) => page.nextPageToken === token) + 1;
    if (url.pathname !== "/v1/services/6F81-5844-456A/skus" || (token !== null && index <= 0) || index >= pages.length) {
      return new Response(JSON.stringify({ error: { code: 400, message: `unexpected request ${url}`, status: "INVALID_ARGUMENT" } }), {
        status: 400,
        headers: { "content-type": "application/json" },
      });
    }
    return new Response(JSON.stringify(pages[index]), { status: 200, headers: { "content-type": "application/json" } });
  };
  const authClient = new OAuth2Client({ transporterOptions: { fetchImplementation: fetchImplementation as any } });
  authClient.setCredentials({ access_token: "fixture-token", expiry_date: Date.now() + 3_600_000 });
  return { clientOptions: { authClient } as CatalogClientOptions, requests };
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "refresh-test-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The command as the CLI runs it (options in, the entry point writes --out and prints), with test-only options. */
function runPricesRefresh(options: PricesRefreshCommandOptions, io: CommandIo): Promise<number> {
  return runCommand("infra-cost", pricesRefreshCommand, options, io);
}

/** What the command printed, one entry per line. */
function capturingIo() {
  const out: string[] = [];
  const err: string[] = [];
  const lines = (text: string) => text.replace(/\n$/, "").split("\n");
  return { io: { stdout: (text: string) => out.push(...lines(text)), stderr: (text: string) => err.push(...lines(text)) }, out, err };
}

function hourOf(catalog: PriceCatalog, machineType: string, region: string) {
  return catalog.machineTypes[machineType].prices[region];
}

describe("refresh against the recorded SKU pages", () => {
  let result: RefreshResult;
  let requests: ServedRequest[];

  beforeAll(async () => {
    const transport = serveSkuPages([firstPage, secondPage]);
    requests = transport.requests;
    result = await refreshCatalog({ current: committed, now: NOW, clientOptions: transport.clientOptions });
  });

  test("the client pages through nextPageToken and asks for USD list prices of Compute Engine", () => {
    expect(requests).toHaveLength(2);
    expect(requests[0].url.pathname).toBe("/v1/services/6F81-5844-456A/skus");
    expect(requests[0].url.searchParams.get("currencyCode")).toBe("USD");
    expect(requests[0].url.searchParams.get("pageToken")).toBeNull();
    expect(requests[1].url.searchParams.get("pageToken")).toBe(firstPage.nextPageToken);
    expect(requests[0].authorization).toBe("Bearer fixture-token");
    expect(result.coverage.skusRead).toBe(firstPage.skus.length + secondPage.skus.length);
  });

  test("machine types are priced as vCPUs x core + GiB x RAM (+ GPUs) from the SKUs", () => {
    const { catalog } = result;
    // a2-highgpu-1g (12 vCPU, 85 GiB, 1 A100): 12 x 0.031611 + 85 x 0.004237 + 2.933908 = 3.673385
    expect(hourOf(catalog, "a2-highgpu-1g", "us-central1").hour).toBeCloseTo(3.673385, 9);
    // a2-megagpu-16g (96 vCPU, 1360 GiB, 16 A100): 3.034656 + 5.76232 + 46.942528 = 55.739504
    expect(hourOf(catalog, "a2-megagpu-16g", "us-east1").hour).toBeCloseTo(55.739504, 9);
    // n4d-standard-2 (2, 8): 2 x 0.02911 + 8 x 0.00331 = 0.0847; spot 2 x 0.01553 + 8 x 0.001767 = 0.045196
    expect(hourOf(catalog, "n4d-standard-2", "us-central1").hour).toBeCloseTo(0.0847, 10);
    expect(hourOf(catalog, "n4d-standard-2", "us-central1").hourSpot).toBeCloseTo(0.045196, 10);
    // n4a-standard-2 spot: 2 x 0.01055 + 8 x 0.001201 = 0.030708
    expect(hourOf(catalog, "n4a-standard-2", "us-central1").hourSpot).toBeCloseTo(0.030708, 10);
    // E2 in IDR / 14999.999925: core 327.173848364 -> 0.02181159, RAM 43.85294978 -> 0.00292353;
    // e2-standard-2 (2, 8): 0.04362318 + 0.02338824 = 0.06701142; e2-micro (0.25, 1): 0.0083764275
    expect(hourOf(catalog, "e2-standard-2", "us-west1").hour).toBeCloseTo(0.06701142, 8);
    expect(hourOf(catalog, "e2-micro", "us-central1").hour).toBeCloseTo(0.0083764275, 9);
    // T2D in IDR: core 508.934997455 -> 0.033929, RAM 68.204999658 -> 0.004547; t2d-standard-1 (1, 4): 0.052117
    expect(hourOf(catalog, "t2d-standard-1", "asia-southeast1").hour).toBeCloseTo(0.052117, 8);
  });

  test("what the SKUs do not price keeps the committed figure", () => {
    const { catalog } = result;
    // No N1 SKU at all; no A2 spot SKU; no A100 80GB SKU (a2-ultragpu); N4D only in us-central1; lssd bundles local SSD.
    expect(catalog.machineTypes["n1-standard-4"]).toEqual(committed.machineTypes["n1-standard-4"]);
    expect(hourOf(catalog, "a2-highgpu-1g", "us-central1").hourSpot).toBe(hourOf(committed, "a2-highgpu-1g", "us-central1").hourSpot);
    expect(hourOf(catalog, "a2-ultragpu-1g", "us-central1")).toEqual(hourOf(committed, "a2-ultragpu-1g", "us-central1"));
    expect(hourOf(catalog, "n4d-standard-2", "us-east1")).toEqual(hourOf(committed, "n4d-standard-2", "us-east1"));
    expect(hourOf(catalog, "n4d-standard-2", "us-central1").month1y).toBe(hourOf(committed, "n4d-standard-2", "us-central1").month1y);
    expect(catalog.machineTypes["c3-standard-4-lssd"]).toEqual(committed.machineTypes["c3-standard-4-lssd"]);
    expect(catalog.disks).toEqual(committed.disks);
    expect(catalog.network).toEqual(committed.network);
    expect(catalog.sustainedUseDiscount).toEqual(committed.sustainedUseDiscount);
    expect(catalog.gke).toEqual(committed.gke);
    expect(catalog.regions).toEqual(committed.regions);
    expect(Object.keys(catalog.machineTypes)).toEqual(Object.keys(committed.machineTypes));
  });

  test("the catalog has the project's format, dated the day of the refresh and naming the API", () => {
    const { catalog } = result;
    expect(catalog.version).toBe(1);
    expect(catalog.date).toBe("2026-08-15");
    expect(catalog.currency).toBe("USD");
    expect(catalog.hoursPerMonth).toBe(730);
    expect(catalog.source).toMatch(/^Google Cloud Billing Catalog API \(Compute Engine, service 6F81-5844-456A\)/);
    expect(catalog.source).toContain(`carried over from the catalog dated ${committed.date}`);
  });

  test("coverage names what was refreshed, converted and carried over", () => {
    const { coverage } = result;
    const refreshed = coverage.machineTypes
      .filter((entry) => entry.refreshedPrices > 0)
      .map((entry) => `${entry.family} ${entry.option}: ${entry.refreshedRegions.join(",")}`);
    expect(refreshed).toEqual([
      "a2 onDemand: us-central1,us-east1,us-west1",
      "e2 onDemand: us-central1,us-east1,us-west1",
      "n4a onDemand: us-central1",
      "n4a spot: us-central1",
      "n4d onDemand: us-central1",
      "n4d spot: us-central1",
      "t2d onDemand: asia-southeast1",
    ]);
    // a2-highgpu-1g/2g/4g/8g and a2-megagpu-16g in three regions.
    expect(coverage.machineTypes.find((e) => e.family === "a2" && e.option === "onDemand")?.refreshedPrices).toBe(15);
    expect(coverage.converted.map((c) => c.skuId).sort()).toEqual(["4756-01E4-0F32", "9E37-EAF4-1576", "CF4E-A0C7-E3BF", "F449-33EC-A5EF"]);
    expect(coverage.incomplete).toContainEqual({ machineType: "a2-ultragpu-1g", option: "onDemand", region: "us-central1", missing: ["A100 80GB GPU"] });
    expect(coverage.notComposable).toContainEqual({ machineType: "c3-standard-4-lssd", reason: expect.stringContaining("local SSD") });
    expect(coverage.disks.every((disk) => disk.refreshedRegions.length === 0)).toBe(true);
    expect(coverage.constants.filter((c) => c.refreshed)).toEqual([]);
    expect(coverage.rejected).toEqual([]);
    expect(coverage.skipped).toEqual([]);
    // The custom, sole-tenancy and reservation SKUs of page 2 price nothing the catalog holds.
    expect(coverage.skusUsed).toBe(15);

    const lines = describeCoverage(result);
    expect(lines[0]).toBe("read 23 SKUs of service 6F81-5844-456A; 15 priced something the catalog holds");
    expect(lines.find((line) => line.startsWith("machine types carried over"))).toMatch(/every price of .*\bn1\b/);
    expect(lines).toContain("pd-ssd: carried over in all 43 regions");
    expect(lines).toContain("sustainedUseDiscount: carried over (the API lists prices, not the sustained-use discount schedule)");
  });

  test("golden: what the refresh makes of the recorded pages (every price it changed, and its coverage report)", () => {
    const changed: { machineType: string; region: string; price: string; committed: number | null; refreshed: number | null }[] = [];
    for (const [machineType, entry] of Object.entries(result.catalog.machineTypes)) {
      for (const [region, prices] of Object.entries(entry.prices)) {
        const before = committed.machineTypes[machineType]?.prices[region];
        for (const price of ["hour", "hourSpot", "month1y", "month3y"] as const) {
          if (before?.[price] !== prices[price]) changed.push({ machineType, region, price, committed: before?.[price] ?? null, refreshed: prices[price] });
        }
      }
    }
    expect(changed.length).toBeGreaterThan(0);
    expectGoldenFile(path.join(__dirname, "golden", "refresh-billing-skus-opencost.json"), { changed, coverage: describeCoverage(result) });
  });
});

/** A SKU in the API's JSON form, for figures the recorded pages do not contain. */
function constructedSku(description: string, usageType: string, usageUnit: string, usd: number, regions: string[]) {
  const units = Math.floor(usd);
  return {
    name: `services/6F81-5844-456A/skus/TEST-${description.length}-${units}`,
    skuId: `TEST-${description.replace(/\W+/g, "-")}`,
    description,
    category: { serviceDisplayName: "Compute Engine", resourceFamily: "Compute", resourceGroup: "Test", usageType },
    serviceRegions: regions,
    pricingInfo: [
      {
        pricingExpression: {
          usageUnit,
          tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: "USD", units: String(units), nanos: Math.round((usd - units) * 1e9) } }],
        },
        currencyConversionRate: 1,
      },
    ],
  };
}

describe("refresh of disks, addresses, commitments and implausible prices (constructed SKUs)", () => {
  // A two-type slice of the committed catalog, so the figures below do not move when it is re-derived.
  const current: PriceCatalog = {
    ...committed,
    regions: ["us-central1"],
    machineTypes: {
      "n1-standard-4": {
        family: "n1",
        vcpu: 4,
        memoryGb: 15,
        prices: { "us-central1": { hour: 0.189999, hourSpot: 0.06701, month1y: 87.37735, month3y: 62.41865 } },
      },
      "e2-standard-2": {
        family: "e2",
        vcpu: 2,
        memoryGb: 8,
        prices: { "us-central1": { hour: 0.06701142, hourSpot: 0.040212, month1y: 30.81854578, month3y: 22.01324782 } },
      },
    },
    disks: { "pd-standard": { "us-central1": 0.04 }, "regional-pd-ssd": { "us-central1": 0.34 }, "pd-balanced": { "us-central1": 0.1 } },
    network: { ...committed.network, staticIpUnusedHour: { "us-central1": 0.01 } },
  };
  const page = {
    skus: [
      constructedSku("Storage PD Capacity", "OnDemand", "GiBy.mo", 0.044, ["us-central1"]),
      constructedSku("Regional SSD backed PD Capacity", "OnDemand", "GiBy.mo", 0.35, ["us-central1"]),
      // Wrong unit: a per-hour disk price is not a GiB-month figure, so it must not be written.
      constructedSku("Balanced PD Capacity", "OnDemand", "GiBy.h", 0.2, ["us-central1"]),
      constructedSku("SSD backed Local Storage attached to Spot Preemptible VMs", "Preemptible", "GiBy.mo", 0.03, ["us-central1"]),
      constructedSku("Static Ip Charge", "OnDemand", "h", 0.012, ["us-central1"]),
      constructedSku("External IP Charge on a Standard VM", "OnDemand", "h", 0.004, ["us-central1", "us-east1"]),
      constructedSku("Commitment v1: Cpu in Americas for 1 Year", "Commit1Yr", "h", 0.019915, ["us-central1"]),
      constructedSku("Commitment v1: Ram in Americas for 1 Year", "Commit1Yr", "GiBy.h", 0.002669, ["us-central1"]),
      // 40x the committed N1 price: a data error, not a price change.
      constructedSku("N1 Predefined Instance Core running in Americas", "OnDemand", "h", 1.264, ["us-central1"]),
      constructedSku("N1 Predefined Instance Ram running in Americas", "OnDemand", "GiBy.h", 0.17, ["us-central1"]),
      constructedSku("Spot Preemptible E2 Instance Core running in Americas", "Preemptible", "h", 0.00654, ["us-central1"]),
      constructedSku("Spot Preemptible E2 Instance Ram running in Americas", "Preemptible", "GiBy.h", 0.000877, ["us-central1"]),
    ],
  };

  test("disks, addresses and commitments are refreshed; a price 40x off is rejected and reported", async () => {
    const { clientOptions } = serveSkuPages([page]);
    const result = await refreshCatalog({ current, now: NOW, clientOptions });
    const { catalog, coverage } = result;
    expect(catalog.disks["pd-standard"]["us-central1"]).toBe(0.044);
    expect(catalog.disks["regional-pd-ssd"]["us-central1"]).toBe(0.35);
    expect(catalog.disks["pd-balanced"]["us-central1"]).toBe(0.1);
    expect(coverage.skipped).toEqual([
      { skuId: "TEST-Balanced-PD-Capacity", description: "Balanced PD Capacity", reason: "unit GiBy.h, expected GiBy.mo" },
    ]);
    expect(catalog.network.staticIpUnusedHour["us-central1"]).toBe(0.012);
    expect(catalog.network.staticExternalIpInUseHour).toBe(0.004);
    // n1-standard-4 1-year commitment: (4 x 0.019915 + 15 x 0.002669) x 730 = (0.07966 + 0.040035) x 730 = 87.37735
    expect(catalog.machineTypes["n1-standard-4"].prices["us-central1"].month1y).toBeCloseTo(87.37735, 8);
    // e2-standard-2 spot: 2 x 0.00654 + 8 x 0.000877 = 0.020096
    expect(catalog.machineTypes["e2-standard-2"].prices["us-central1"].hourSpot).toBeCloseTo(0.020096, 10);
    // n1-standard-4 on-demand would be 4 x 1.264 + 15 x 0.17 = 7.606, 40x 0.189999: kept and reported.
    expect(catalog.machineTypes["n1-standard-4"].prices["us-central1"].hour).toBe(0.189999);
    expect(coverage.rejected).toEqual([{ item: "n1-standard-4 on-demand in us-central1", apiPrice: 7.606, currentPrice: 0.189999 }]);
    expect(describeCoverage(result).some((line) => line.startsWith("rejected as implausible"))).toBe(true);
  });

  test("the command writes a rejected price only when price jumps are accepted", async () => {
    const dir = tempDir();
    const currentFile = path.join(dir, "current.json");
    fs.writeFileSync(currentFile, JSON.stringify(current));
    const out = path.join(dir, "refreshed.json");
    const { clientOptions } = serveSkuPages([page]);
    const { io, err } = capturingIo();
    const code = await runPricesRefresh({ out, catalog: currentFile, now: NOW, clientOptions, acceptPriceJumps: true }, io);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(loadCatalog(out).machineTypes["n1-standard-4"].prices["us-central1"].hour).toBeCloseTo(7.606, 10);
  });
});

describe("the command", () => {
  const savedEnv = { ...process.env };
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  /** No key file, no gcloud ADC file in a fresh HOME, no metadata server: Google's auth finds nothing. */
  function withoutGoogleCredentials(): void {
    const home = tempDir();
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.HOME = home;
    process.env.CLOUDSDK_CONFIG = path.join(home, "gcloud");
    // Skips the GCE metadata probe, which is what makes a credential-less run slow off Google Cloud.
    process.env.METADATA_SERVER_DETECTION = "none";
  }

  test("writes the catalog and prints the coverage", async () => {
    const dir = tempDir();
    const out = path.join(dir, "gcp-prices.json");
    const { clientOptions } = serveSkuPages([firstPage, secondPage]);
    const { io, out: stdout, err } = capturingIo();
    expect(await runPricesRefresh({ out, now: NOW, clientOptions }, io)).toBe(0);
    expect(err).toEqual([]);
    expect(stdout[0]).toBe(`${out}: price catalog dated 2026-08-15`);
    expect(stdout).toContain("  read 23 SKUs of service 6F81-5844-456A; 15 priced something the catalog holds");
    expect(loadCatalog(out).machineTypes["n4d-standard-2"].prices["us-central1"].hourSpot).toBeCloseTo(0.045196, 10);
    expect(fs.readdirSync(dir)).toEqual(["gcp-prices.json"]);
  });

  test("without credentials: one line saying how to provide them, exit 1, the old file untouched", async () => {
    withoutGoogleCredentials();
    const dir = tempDir();
    const out = path.join(dir, "gcp-prices.json");
    fs.writeFileSync(out, "previous catalog\n");
    const { io, out: stdout, err } = capturingIo();
    const code = await runPricesRefresh({ out, now: NOW }, io);
    expect(code).toBe(1);
    expect(err).toEqual([`infra-cost: ${NO_CREDENTIALS_MESSAGE}`]);
    expect(err[0]).not.toContain("\n");
    expect(stdout).toEqual([]);
    expect(fs.readFileSync(out, "utf8")).toBe("previous catalog\n");
    expect(fs.readdirSync(dir)).toEqual(["gcp-prices.json"]);
  });

  test("refreshCatalog itself rejects with the credentials error of the library's failure", async () => {
    withoutGoogleCredentials();
    const failure = await refreshCatalog({ current: committed, now: NOW }).catch((e) => e);
    expect(failure).toBeInstanceOf(PriceRefreshError);
    expect(failure.message).toBe(NO_CREDENTIALS_MESSAGE);
  });

  test("a key file that does not exist is named in the one-line error", async () => {
    withoutGoogleCredentials();
    process.env.GOOGLE_APPLICATION_CREDENTIALS = "/nonexistent/key.json";
    const { io, err } = capturingIo();
    expect(await runPricesRefresh({ out: path.join(tempDir(), "c.json"), now: NOW }, io)).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^infra-cost: GOOGLE_APPLICATION_CREDENTIALS names \/nonexistent\/key\.json, which is not a readable key file \(ENOENT[^)]*\): point it at a service-account key file/);
  });

  test("an API refusal is one line with the API's message", async () => {
    const { clientOptions } = serveSkuPages([firstPage], () =>
      new Response(
        JSON.stringify({ error: { code: 403, message: "Cloud Billing API has not been used in project 123 before or it is disabled.", status: "PERMISSION_DENIED" } }),
        { status: 403, headers: { "content-type": "application/json" } },
      ),
    );
    const dir = tempDir();
    const { io, err } = capturingIo();
    expect(await runPricesRefresh({ out: path.join(dir, "c.json"), now: NOW, clientOptions }, io)).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^infra-cost: the Cloud Billing Catalog API failed: .*Cloud Billing API has not been used in project 123/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test("an output that cannot be replaced fails with exit 2 and leaves no temporary file", async () => {
    const dir = tempDir();
    const out = path.join(dir, "is-a-directory");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "keep.txt"), "kept");
    const { clientOptions } = serveSkuPages([firstPage, secondPage]);
    const { io, err } = capturingIo();
    expect(await runPricesRefresh({ out, now: NOW, clientOptions }, io)).toBe(2);
    expect(err).toHaveLength(1);
    // The line every command gives for an --out it cannot write (cli/command.ts).
    expect(err[0]).toMatch(/^infra-cost: .*is-a-directory: cannot write \(E[A-Z]+\)$/);
    expect(fs.readdirSync(dir)).toEqual(["is-a-directory"]);
    expect(fs.readFileSync(path.join(out, "keep.txt"), "utf8")).toBe("kept");
  });
});
