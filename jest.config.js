/**
 * Tests are TypeScript compiled by ts-jest one file at a time (isolatedModules: no type-check in
 * the test run; under `npm test` the project is type-checked alongside, see tests/jest/).
 */
const os = require("os");

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
  // One worker per core, and never fewer than two: jest's default (cores - 1) runs a 2-core machine
  // in band, and much of a test file's time is spent waiting on nginx, policy packs and child
  // processes, which a second worker overlaps with another file's work.
  maxWorkers: Math.max(2, os.availableParallelism()),
  setupFilesAfterEnv: ["<rootDir>/tests/jest/unmappedPromiseStacks.ts", "<rootDir>/tests/jest/scryptOncePerInput.ts"],
  // `npm test` fails on a type error: tsc runs alongside the tests.
  globalSetup: "<rootDir>/tests/jest/typecheckAlongside.js",
  globalTeardown: "<rootDir>/tests/jest/typecheckResult.js",
  testTimeout: 60000,
};
