/**
 * Jest setup (setupFilesAfterEnv): the program derives the proxy's credentials digest with scrypt
 * (components/blockchainProxy.ts, N=2^15: deliberately ~0.1 s of CPU and 32 MiB), and dozens of
 * suites run the prod stack with the same committed or test credentials: that alone was ~6% of the
 * test run's CPU. scrypt is a pure function of its arguments, so within a jest worker each distinct
 * (password, salt, length, options) is computed once by Node's scrypt and its bytes are handed out
 * again (a fresh Buffer each time). A changed credential is a new input and is computed for real.
 */
// The core module itself (not an esModuleInterop copy): what every `import * as crypto` reads.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const nodeCrypto = require("crypto") as typeof import("crypto");

type ScryptSync = typeof nodeCrypto.scryptSync & { onceStore?: Map<string, Buffer> };
const current = nodeCrypto.scryptSync as ScryptSync;

// Setup runs once per test file; a worker runs many: wrap the real function once.
if (!current.onceStore) {
  const real = nodeCrypto.scryptSync;
  const store = new Map<string, Buffer>();
  const once = ((password: unknown, salt: unknown, keylen: number, options?: unknown) => {
    if (typeof password !== "string" || typeof salt !== "string") return real(password as string, salt as string, keylen, options as object);
    const key = JSON.stringify([password, salt, keylen, options ?? null]);
    let bytes = store.get(key);
    if (!bytes) {
      bytes = real(password, salt, keylen, options as object);
      store.set(key, Buffer.from(bytes));
    }
    return Buffer.from(bytes);
  }) as ScryptSync;
  once.onceStore = store;
  nodeCrypto.scryptSync = once;
}
