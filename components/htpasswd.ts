/** The blockchain proxy's htpasswd file, as text: the basic-auth credentials nginx checks. */
import * as crypto from "crypto";

/**
 * An htpasswd file nginx's auth_basic accepts, in `{SSHA}` form: base64(SHA-1(password + salt) + salt).
 *
 * Why {SSHA} and not apr1 or sha-512 crypt: nginx verifies the hash on every request (it does not
 * cache), and a stretched hash costs 0.1-1 ms of CPU per relay; the passwords are long random
 * secrets, for which stretching adds nothing. The salt is derived from username and password by
 * default, so the same credentials give the same text on every run (no diff on every `pulumi up`)
 * while different credentials get different salts.
 */
export function renderHtpasswd(
  credentials: { username: string; password: string }[],
  saltFor?: (username: string) => string,
): string {
  const seen = new Set<string>();
  const lines = credentials.map(({ username, password }, i) => {
    if (!/^[^:\s]+$/.test(username)) throw new Error(`renderHtpasswd: credentials[${i}].username ${JSON.stringify(username)} must be non-empty, without ':' or whitespace`);
    if (seen.has(username)) throw new Error(`renderHtpasswd: credentials[${i}].username ${JSON.stringify(username)} is listed twice`);
    seen.add(username);
    // Never echo the password: this message may reach a CI log.
    if (password.length === 0 || /[\r\n\0]/.test(password)) throw new Error(`renderHtpasswd: the password of ${JSON.stringify(username)} must be non-empty, without line breaks or NUL`);
    const salt = saltFor
      ? Buffer.from(saltFor(username), "utf8")
      : crypto.createHash("sha256").update(`htpasswd-salt\0${username}\0${password}`).digest().subarray(0, 8);
    if (salt.length === 0) throw new Error(`renderHtpasswd: saltFor(${JSON.stringify(username)}) returned an empty salt`);
    const digest = crypto.createHash("sha1").update(password, "utf8").update(salt).digest();
    return `${username}:{SSHA}${Buffer.concat([digest, salt]).toString("base64")}`;
  });
  return lines.length ? `${lines.join("\n")}\n` : "";
}
