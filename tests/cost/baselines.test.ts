/** The committed baselines are valid deployment-v3 stack exports and price to the pre-optimisation shape. */
import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { loadCatalog } from "../../catalog/catalog";
import { priceResources } from "../../cost/engine";
import { readStackExport } from "../../cost/sources/stackExport";

const SCHEMAS = path.join(__dirname, "../fixtures/schemas");
const BASELINES = path.join(__dirname, "../../baselines");

function validator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const file of ["pulumi-apitype-property-values.schema.json", "pulumi-apitype-resources.schema.json"]) {
    // Ajv cannot resolve an $anchor placed on a schema's root; "#property_value" names that root, i.e. "#".
    const text = fs.readFileSync(path.join(SCHEMAS, file), "utf8").replace(/"#property_value"/g, '"#"');
    ajv.addSchema(JSON.parse(text));
  }
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(SCHEMAS, "pulumi-apitype-deployments.schema.json"), "utf8")));
}

describe("baselines", () => {
  const validate = validator();
  test.each(["prod", "testnet"])("%s.json is a valid stack export (deployment v3)", (stack) => {
    const document = JSON.parse(fs.readFileSync(path.join(BASELINES, `${stack}.json`), "utf8"));
    const valid = validate(document);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test("the validator rejects what is not a deployment v3", () => {
    expect(validate({ version: 3, deployment: { manifest: { magic: "" }, resources: [] } })).toBe(false);
    expect(validate({ version: 3, deployment: { manifest: { time: "2021-01-15T00:00:00Z", magic: "", version: "v3" }, resources: [{ urn: "u", retainOnDelete: true }] } })).toBe(false);
  });

  test("prod baseline has the seed pool at 10 x n1-standard-4 and no blockchain proxy", () => {
    const priced = priceResources(readStackExport(path.join(BASELINES, "prod.json")).resources, loadCatalog());
    expect(priced.find((p) => p.name === "seeds")?.shape).toMatchObject({ machineType: "n1-standard-4", nodes: 10 });
    expect(priced.some((p) => p.urn.includes("BlockchainProxy"))).toBe(false);
  });

  test("testnet baseline runs every testnet chain (its disks and node pool exist)", () => {
    const resources = readStackExport(path.join(BASELINES, "testnet.json")).resources;
    expect(resources.filter((r) => r.type === "gcp:compute/disk:Disk").map((r) => r.name).sort()).toEqual(["testnet-geth-goerli-data", "testnet-geth-rinkeby-data", "testnet-geth-ropsten-data"]);
    expect(resources.some((r) => r.type === "gcp:container/nodePool:NodePool" && r.name === "blockchain-nodes")).toBe(true);
  });
});
