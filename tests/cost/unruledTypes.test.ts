/**
 * The engine's fallback for the types no pricing rule reads: free or unpriced with a reason. The
 * cases of each rule are in tests/cost/cases/<type>/ (pricingCases.test.ts runs them).
 */
import { loadCatalog } from "../../catalog/catalog";
import { priceResources } from "../../cost/engine";
import { expectGolden, resource } from "./records";

const catalog = loadCatalog();

describe("free and unpriced classification", () => {
  test("free types are free; AWS and unknown cost-bearing types are unpriced with a reason", () => {
    const records = [
      resource("kubernetes:core/v1:Namespace", "ns", {}),
      resource("gcp:serviceaccount/account:Account", "sa", {}),
      resource("gcp:compute/network:Network", "net", {}),
      resource("kubernetes:apps/v1:Deployment", "dep", {}),
      resource("kubernetes:policy/v1:PodDisruptionBudget", "pdb", {}),
      resource("relay-budget:gke:GkeCluster", "component", {}, { custom: false }),
      resource("pulumi:providers:gcp", "default", {}),
      resource("pulumi:pulumi:StackReference", "prod", {}),
      resource("aws:ec2/instance:Instance", "web", { instanceType: "t3.micro" }),
      resource("gcp:sql/databaseInstance:DatabaseInstance", "db", {}),
    ];
    const priced = priceResources(records, catalog);
    expect(priced.slice(0, 8).map((p) => p.status)).toEqual(Array(8).fill("free"));
    expect(priced[8]).toMatchObject({ status: "unpriced", unpricedReason: "aws resources are outside the GCP price catalog" });
    expect(priced[9].status).toBe("unpriced");
    expectGolden("unruled-free-and-unpriced", priced);
  });
});
