/**
 * The proxy clients' credentials as the nginx file nginx.conf includes at server level (see
 * `credentialCheck` in nginxConfig.ts): the Secret's text, and the bounds it needs.
 */
import { MAX_CLIENT_NAME_LENGTH, MAX_PASSWORD_LENGTH } from "../validation/proxyLimits";

/** The file of the credentials Secret, in `NginxConfigSpec.credentialsDir`. */
export const CREDENTIALS_FILE = "client-credentials.conf";

/** Client names: the config's usernames (letters, digits, '.', '_', '-'), so never a quote, ';', '{', '$', '~' or whitespace. */
const CLIENT_NAME = new RegExp(`^[A-Za-z0-9._-]{1,${MAX_CLIENT_NAME_LENGTH}}$`);

/**
 * The longest credential: "Basic " and the base64 of the longest "name:password" (UTF-8, up to 4
 * bytes a character). Far below nginx's 4,096-byte limit on one config token and its header buffer.
 */
const MAX_CREDENTIAL_LENGTH = "Basic ".length + 4 * Math.ceil((MAX_CLIENT_NAME_LENGTH + 1 + 4 * MAX_PASSWORD_LENGTH) / 3);

/**
 * The credentials Secret's file: per client, the exact Authorization header it sends
 * (`Basic base64(name:password)`, what Go's net/http SetBasicAuth, curl and pocket-core send),
 * compared byte for byte with the request's header, and the client's name it sets:
 *
 *     if ($http_authorization = "Basic dGVzdG5l...") {
 *         set $relay_user "testnet-validators";
 *     }
 *
 * nginx.conf includes it in the server block, after the source check: every location's first check
 * refuses a request whose `$relay_user` stayed empty. An `if` compares bytes (lengths first, then the bytes),
 * so a header that differs in letter case, or in anything, names no client; a server-level `if`
 * only sets a variable (the location is found afterwards), the use nginx documents as safe.
 *
 * Why not auth_basic with an htpasswd file: nginx opens, reads and hashes that file on every
 * request (3 syscalls and a hash per relay, by design, so a changed file takes effect at once).
 * Why not a map keyed by the header: nginx lowercases a map's input on every lookup (the header is
 * about 60 bytes), and a case-blind match still needs the exact comparison; one `if` per client is
 * a few hundred instructions fewer per relay (docs/benchmarks.md). The file is read once at start.
 * The price: the Secret holds reversible credentials, as the testnet validators' chains.json Secret
 * already does, and a credential change needs a reload, which BlockchainProxy gets by rolling the pods.
 *
 * What the text can hold: the compared string is `"Basic "` and base64 (only A-Z a-z 0-9 + / =),
 * a name only letters, digits, '.', '_' and '-', quoted: no quote, ';', '{', '}', '$', '\\' or
 * whitespace of a client's choosing can reach nginx. Errors never hold a password.
 */
export function renderCredentialChecks(credentials: { username: string; password: string }[]): Record<string, string> {
  const seen = new Set<string>();
  const checks: string[] = [];
  credentials.forEach(({ username, password }, i) => {
    if (!CLIENT_NAME.test(username)) {
      throw new Error(`renderCredentialChecks: credentials[${i}].username ${JSON.stringify(username)} must be 1 to ${MAX_CLIENT_NAME_LENGTH} letters, digits, '.', '_' or '-'`);
    }
    if (seen.has(username)) throw new Error(`renderCredentialChecks: credentials[${i}].username ${JSON.stringify(username)} is listed twice`);
    seen.add(username);
    // Never echo the password: this message may reach a CI log.
    if (typeof password !== "string" || password.length === 0 || password.length > MAX_PASSWORD_LENGTH || /[\u0000-\u001f\u007f:]/.test(password)) {
      throw new Error(`renderCredentialChecks: the password of ${JSON.stringify(username)} must be 1 to ${MAX_PASSWORD_LENGTH} characters, without ':' or control characters`);
    }
    const header = `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
    if (!/^Basic [A-Za-z0-9+/]+={0,2}$/.test(header) || header.length > MAX_CREDENTIAL_LENGTH) {
      throw new Error(`renderCredentialChecks: the credential of ${JSON.stringify(username)} does not encode as an nginx string`);
    }
    checks.push(`if ($http_authorization = "${header}") {\n    set $relay_user "${username}";\n}`);
  });
  return { [CREDENTIALS_FILE]: checks.length ? `${checks.join("\n")}\n` : "" };
}
