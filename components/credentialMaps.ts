/**
 * The proxy clients' credentials as the two nginx map files nginx.conf includes (see
 * `credentialMapBlocks` in nginxConfig.ts): the Secret's text, and the bounds the maps need.
 */
import { MAX_CLIENT_NAME_LENGTH, MAX_PASSWORD_LENGTH } from "../validation/proxyLimits";

/** The files of the credentials Secret, in `NginxConfigSpec.credentialsDir`. */
export const CREDENTIAL_MAP_FILES = {
  /** `"Basic <base64>" <client name>;` per client: the map of `$relay_client`. */
  clientNames: "client-names.map",
  /** `"Basic <base64>" "Basic <base64>";` per client: the map of `$relay_authorization`. */
  exactCredentials: "client-credentials.map",
} as const;

/** Client names: the config's usernames (letters, digits, '.', '_', '-'), so never a quote, ';', '{', '$', '~' or whitespace. */
const CLIENT_NAME = new RegExp(`^[A-Za-z0-9._-]{1,${MAX_CLIENT_NAME_LENGTH}}$`);

/** The longest map key: "Basic " and the base64 of the longest "name:password" (UTF-8, up to 4 bytes a character). */
const MAX_CREDENTIAL_KEY_LENGTH = "Basic ".length + 4 * Math.ceil((MAX_CLIENT_NAME_LENGTH + 1 + 4 * MAX_PASSWORD_LENGTH) / 3);

/**
 * map_hash_bucket_size that holds the longest credential key: nginx refuses to start when a key
 * does not fit a bucket (a pointer, the 2-byte length and the key aligned to a pointer, plus the
 * bucket's terminating pointer; nginx rounds it up to the cache line). Computed from the bounds,
 * not from the passwords, so the ConfigMap says nothing about them.
 */
export const MAP_HASH_BUCKET_SIZE = 8 + Math.ceil((MAX_CREDENTIAL_KEY_LENGTH + 2) / 8) * 8 + 8;

/**
 * The credentials Secret's files: the exact Authorization header each client sends
 * (`Basic base64(name:password)`, what Go's net/http SetBasicAuth, curl and pocket-core send) as
 * the key of two nginx maps, one giving the client's name and one the header itself for the exact
 * comparison in `location /`.
 *
 * Why not auth_basic with an htpasswd file: nginx opens, reads and hashes that file on every
 * request (3 syscalls and a hash per relay, by design, so a changed file takes effect at once);
 * the maps are read once at start. The price: the Secret holds reversible credentials, as the
 * testnet validators' chains.json Secret already does, and a credential change needs a reload,
 * which BlockchainProxy gets by rolling the pods.
 *
 * What the text can hold: a key is `"Basic "` and base64 (only A-Z a-z 0-9 + / =), a name only
 * letters, digits, '.', '_' and '-': no quote, ';', '{', '}', '$', '\\' or whitespace can reach nginx,
 * and a name like `default` or `include` is a map value, never a keyword. Errors never hold a password.
 */
export function renderCredentialMaps(credentials: { username: string; password: string }[]): Record<string, string> {
  const seen = new Set<string>();
  const seenKeys = new Map<string, string>();
  const names: string[] = [];
  const exact: string[] = [];
  credentials.forEach(({ username, password }, i) => {
    if (!CLIENT_NAME.test(username)) {
      throw new Error(`renderCredentialMaps: credentials[${i}].username ${JSON.stringify(username)} must be 1 to ${MAX_CLIENT_NAME_LENGTH} letters, digits, '.', '_' or '-'`);
    }
    if (seen.has(username)) throw new Error(`renderCredentialMaps: credentials[${i}].username ${JSON.stringify(username)} is listed twice`);
    seen.add(username);
    // Never echo the password: this message may reach a CI log.
    if (typeof password !== "string" || password.length === 0 || password.length > MAX_PASSWORD_LENGTH || /[\u0000-\u001f\u007f:]/.test(password)) {
      throw new Error(`renderCredentialMaps: the password of ${JSON.stringify(username)} must be 1 to ${MAX_PASSWORD_LENGTH} characters, without ':' or control characters`);
    }
    const header = `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
    if (!/^Basic [A-Za-z0-9+/]+={0,2}$/.test(header) || header.length > MAX_CREDENTIAL_KEY_LENGTH) {
      throw new Error(`renderCredentialMaps: the credential of ${JSON.stringify(username)} does not encode as a map key`);
    }
    // nginx's map lowercases keys: two keys equal but for case would be one entry (and nginx logs the key).
    const other = seenKeys.get(header.toLowerCase());
    if (other !== undefined) throw new Error(`renderCredentialMaps: the credentials of ${JSON.stringify(other)} and ${JSON.stringify(username)} differ only in letter case once encoded; change one password`);
    seenKeys.set(header.toLowerCase(), username);
    names.push(`"${header}" ${username};`);
    exact.push(`"${header}" "${header}";`);
  });
  const file = (lines: string[]) => (lines.length ? `${lines.join("\n")}\n` : "");
  return { [CREDENTIAL_MAP_FILES.clientNames]: file(names), [CREDENTIAL_MAP_FILES.exactCredentials]: file(exact) };
}
