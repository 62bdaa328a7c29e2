/**
 * Tests are TypeScript compiled by ts-jest one file at a time (isolatedModules: no type-check in
 * the test run; `npm run build`, which `npm ci` runs, type-checks the project).
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "ts-jest",
      { diagnostics: false, tsconfig: { isolatedModules: true, esModuleInterop: true, resolveJsonModule: true, target: "ES2022", module: "commonjs" } },
    ],
  },
  testTimeout: 60000,
};
