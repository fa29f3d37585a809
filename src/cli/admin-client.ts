import { userInfo } from "node:os";

/** A thin client for the admin API, used by the CLI's commands (the same API the dashboard uses). */
export class AdminClient {
  constructor(private readonly baseUrl: string, private readonly token: string | undefined, private readonly actor: string = cliActor()) {}

  /** `raw`: return the body text as is (JSON lines, plain text) instead of parsing it. */
  async call<T>(method: string, path: string, body?: unknown, opts?: { raw?: boolean }): Promise<T> {
    if (!this.token) throw new Error("no admin token: set KEEL_ADMIN_TOKEN or pass --admin-token (keel start prints it on first run)");
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          // Who, for the audit log: the OS user running the CLI (the token says which role).
          "x-keel-actor": this.actor,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(`cannot reach Keel at ${this.baseUrl} (${(err as Error).cause ? String((err as { cause: Error }).cause.message) : (err as Error).message}); is it running? (--url / KEEL_URL)`);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (opts?.raw && res.ok) return text as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`unexpected response from ${this.baseUrl} (HTTP ${res.status})`);
    }
    if (!res.ok) {
      const e = (json as { error?: { message?: string; code?: string } }).error;
      throw new Error(`${e?.message ?? `HTTP ${res.status}`}${e?.code ? ` [${e.code}]` : ""}`);
    }
    return json as T;
  }
}

/** `cli:<os user>`, reduced to the characters the audit log accepts. */
export function cliActor(): string {
  let name = "";
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers): fall back to plain "cli"
  }
  const clean = name.replace(/[^\w.@+-]/g, "").slice(0, 100);
  return clean ? `cli:${clean}` : "cli";
}
