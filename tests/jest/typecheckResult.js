/**
 * Jest globalTeardown: waits for the type check typecheckAlongside.js started under `npm test` and
 * fails the run with tsc's output when it found a type error (jest exits non-zero on a throwing
 * globalTeardown, after the test results are printed).
 */
module.exports = async function typecheckResult() {
  const pending = globalThis.__relayBudgetTypecheck;
  if (!pending) return;
  const { code, output } = await pending;
  if (code !== 0) throw new Error(`npm test: the type check failed (npm run typecheck, exit ${code}):\n${output.trim()}`);
  process.stderr.write("Type check: npm run typecheck passed.\n");
};
