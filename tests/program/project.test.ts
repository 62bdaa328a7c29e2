import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv/dist/2020";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../../program/projectRoot";

const schemaFile = path.join(PROJECT_ROOT, "tests", "fixtures", "schemas", "pulumi-project.schema.json");

it("Pulumi.yaml is a valid Pulumi project (nodejs, TypeScript, main index.ts)", () => {
  const project = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
  const valid = validate(project);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  expect(project).toMatchObject({ name: "relay-budget", runtime: { name: "nodejs", options: { typescript: true } }, main: "index.ts" });
});

it("the schema rejects a broken project (the check can fail)", () => {
  const ajv = new Ajv({ strict: false });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
  expect(validate({ name: "x", runtime: 42 })).toBe(false);
});
