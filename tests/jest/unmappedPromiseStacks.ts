/**
 * Jest setup (setupFilesAfterEnv): Pulumi's SDK stamps every promise it makes (`debuggablePromise`:
 * one per property of every resource) with `new Error().stack`, read only to print a promise leak
 * when a Pulumi program exits, which never happens inside a test. Under jest, source-map-support
 * maps every frame of each such stack through the source maps: a third of the CPU of a suite that
 * records a stack under mocks. Those stacks alone are formatted unmapped, as V8 does, with where the
 * promise was made and its two callers. Every other stack (a failing test's, the source positions
 * Pulumi gives the engine) is source-mapped as before. If the SDK renames the function, its stacks
 * are mapped again: slower, not wrong.
 */
const sourceMapped = Error.prepareStackTrace;
const PROMISE_STACK_FRAMES = 3;

if (sourceMapped) {
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
    frames[0]?.getFunctionName() === "debuggablePromise"
      ? [String(error), ...frames.slice(0, PROMISE_STACK_FRAMES).map((frame) => `    at ${frame}`)].join("\n")
      : sourceMapped(error, frames);
}
