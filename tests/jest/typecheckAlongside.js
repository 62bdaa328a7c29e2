/**
 * Jest globalSetup: under `npm test`, type-checks the project and its tests (`npm run typecheck`, tests/tsconfig.json)
 * while the tests run. The tests are transpiled without type information (ts-jest isolatedModules),
 * so this is what makes `npm test` fail on a type error (typecheckResult.js, the globalTeardown,
 * fails the run with tsc's output).
 *
 * Alongside rather than before: tsc spends ~10 s of one core parsing the SDKs' declarations, while
 * the test workers spend much of their time waiting on nginx, policy packs and child processes.
 * Only under `npm test` (npm sets npm_lifecycle_event): a focused `npx jest <file>` stays lean.
 */
const { spawn } = require("child_process");
const path = require("path");

module.exports = async function typecheckAlongside() {
  if (process.env.npm_lifecycle_event !== "test") return;
  // npm_execpath is the CLI script of the npm running `npm test`: run it with this node.
  const child = spawn(process.execPath, [process.env.npm_execpath ?? require.resolve("npm/bin/npm-cli.js"), "run", "-s", "typecheck"], {
    cwd: path.join(__dirname, "..", ".."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  globalThis.__relayBudgetTypecheck = new Promise((resolve) => {
    child.on("error", (error) => resolve({ code: 1, output: `could not start npm run typecheck: ${error.message}` }));
    child.on("close", (code, signal) => resolve({ code: code ?? 1, output: signal ? `${output}\n(tsc stopped by ${signal})` : output }));
  });
};
