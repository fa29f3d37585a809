/** The admin API client: the token lives in sessionStorage (gone when the tab closes) and goes out as a Bearer header. */

const TOKEN_KEY = "keel.adminToken";
const ROLE_KEY = "keel.role";

/** What GET /api/v1/me says the signed-in credential is. */
export type Role = "admin" | "editor" | "viewer";

export const getToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (t: string): void => sessionStorage.setItem(TOKEN_KEY, t);
export const clearToken = (): void => (sessionStorage.removeItem(TOKEN_KEY), sessionStorage.removeItem(ROLE_KEY));
export const setRole = (r: Role): void => sessionStorage.setItem(ROLE_KEY, r);
/** A viewer key reads everything and changes nothing, so write controls are hidden for it (the API would 403 anyway). */
export const canWrite = (): boolean => sessionStorage.getItem(ROLE_KEY) !== "viewer";

export class ApiError extends Error {
  /** `param`: the field the API names as wrong (docs/errors.md), so a form can show the message there. */
  constructor(readonly status: number, readonly code: string, message: string, readonly param: string | null = null) {
    super(message);
  }
}

/** Listeners told when the API answers 401, so the app can return to the login form. */
const unauthorized = new Set<() => void>();
export const onUnauthorized = (fn: () => void): (() => void) => (unauthorized.add(fn), () => void unauthorized.delete(fn));

export async function api<T = any>(method: string, path: string, body?: unknown, token = getToken()): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token ?? ""}`, "x-keel-actor": "dashboard" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, "bad_response", `${method} ${path}: not JSON (HTTP ${res.status})`);
  }
  if (!res.ok) {
    if (res.status === 401) for (const fn of unauthorized) fn();
    throw new ApiError(res.status, json?.error?.code ?? "http_error", json?.error?.message ?? `HTTP ${res.status}`, json?.error?.param ?? null);
  }
  return json as T;
}

export const get = <T = any>(path: string): Promise<T> => api<T>("GET", path);

/** Builds `path?a=1&b=2`, leaving out empty values. */
export function withQuery(path: string, q: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}
