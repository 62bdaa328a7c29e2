/** The validators area of the testnet stack config: where their chains.json lives and how they reach the prod proxy. */
import { z } from "zod";
import { name, USERNAME } from "./fields";

export const validatorsSchema = z.strictObject({
  namespace: name("namespace").default("pocket"),
  /** The Secret holding chains.json, mounted by the validator pods. */
  chainsSecretName: name("secret").default("validator-chains"),
  /** The prod stack whose proxy serves decommissioned chains: <org>/<project>/<stack>. */
  proxyStack: z.string().regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, "is not a stack reference (<organization>/<project>/<stack>)"),
  /** Basic-auth username of the validators at the proxy; its password is the secret config key validatorProxyPassword. */
  proxyUsername: z.string().regex(USERNAME, "is not a username (letters, digits, '.', '_', '-')"),
});
