/**
 * Store URLs as people write them (`postgres://user:secret@host:5432/db`), shown with the password
 * masked: a start-up error names the store it could not reach, never the secret in its URL.
 */
export function maskStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    // Not a URL at all: mask whatever sits between "://user:" and "@".
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1****@");
  }
}

/** True for the URLs that select the PostgreSQL backend. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/**
 * Checks a PostgreSQL URL's shape before anything connects: a clear message naming the (masked)
 * URL beats a driver's stack trace.
 */
export function parsePostgresUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`store URL ${maskStoreUrl(url)} is not a valid URL`);
  }
  if (!isPostgresUrl(url)) throw new Error(`store URL ${maskStoreUrl(url)} must start with postgres:// or postgresql://`);
  if (!u.hostname) throw new Error(`store URL ${maskStoreUrl(url)} names no host`);
  if (u.port && !(Number(u.port) > 0 && Number(u.port) < 65536)) throw new Error(`store URL ${maskStoreUrl(url)} has an invalid port`);
  return u;
}
