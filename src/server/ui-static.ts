import { createReadStream, existsSync, statSync } from "node:fs";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerResponse } from "node:http";
import type { Handler, Router } from "./router.js";

/** Where `vite build` writes the dashboard. Resolves the same from src/server (tsx) and dist/server (built). */
export const DEFAULT_UI_DIR = fileURLToPath(new URL("../../dist/ui", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

// The dashboard loads nothing from elsewhere: no CDN, no fonts, API calls to this origin only.
const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/** Deepest path served; the router matches patterns by segment count, so one route per depth. */
const MAX_DEPTH = 4;

/**
 * Serves the built dashboard at `/ui`: hashed files under `assets/` are cached for a year,
 * anything that is not a file falls back to index.html (client-side routes), and a path that
 * resolves outside the UI directory is a 404. Registers nothing when the UI was not built.
 */
export function registerUi(router: Router, dir: string = DEFAULT_UI_DIR): boolean {
  const root = resolve(dir);
  if (!existsSync(resolve(root, "index.html"))) return false;
  const handler = uiHandler(root);
  router.add("GET", "/ui", (_req, res) => void res.writeHead(308, { location: "/ui/" }).end());
  let pattern = "/ui";
  const paths = ["/ui/"];
  for (let i = 0; i < MAX_DEPTH; i++) paths.push((pattern += `/:p${i}`));
  // The router falls back from HEAD to GET only for static paths, so patterns take both.
  for (const p of paths) router.add("GET", p, handler).add("HEAD", p, handler);
  return true;
}

function uiHandler(root: string): Handler {
  return (req, res, params) => {
    const parts = Object.keys(params).sort().map((k) => params[k]);
    // Params arrive URL-decoded, so `%2e%2e` and `%2f` are already `..` and `/` here.
    if (parts.some((p) => p === ".." || p === "." || p.includes("/") || p.includes("\\") || p.includes("\0"))) return notFound(res);
    const file = resolve(root, ...parts);
    if (file !== root && !file.startsWith(root + sep)) return notFound(res);
    const isFile = parts.length > 0 && statSync(file, { throwIfNoEntry: false })?.isFile() === true;
    if (isFile) return send(res, file, parts[0] === "assets" ? "public, max-age=31536000, immutable" : "no-cache", req.method === "HEAD");
    // A missing asset is a 404, not the app: a stale hashed file name must not get HTML as JS.
    if (parts[0] === "assets" || extname(parts[parts.length - 1] ?? "") !== "") return notFound(res);
    send(res, resolve(root, "index.html"), "no-cache", req.method === "HEAD");
  };
}

function send(res: ServerResponse, file: string, cacheControl: string, headOnly: boolean): void {
  const size = statSync(file).size;
  res.writeHead(200, { ...SECURITY_HEADERS, "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": size, "cache-control": cacheControl });
  if (headOnly) return void res.end();
  createReadStream(file).on("error", () => res.destroy()).pipe(res);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }).end("Not found\n");
}
