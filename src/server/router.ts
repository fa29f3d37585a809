import type { IncomingMessage, ServerResponse } from "node:http";

/** `query` is parsed only when the URL has one: the data plane's routes never pay for it. */
export type Handler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>, query: URLSearchParams) => void | Promise<void>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

/**
 * Static paths are one map lookup (the data plane's hot routes); patterns with `:param`
 * segments are matched segment by segment. `match` tells a wrong method from a missing path.
 */
export class Router {
  private readonly statics = new Map<string, Map<string, Handler>>();
  private readonly patterns: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    if (path.includes("/:")) this.patterns.push({ method, parts: path.split("/"), handler });
    else {
      let byMethod = this.statics.get(path);
      if (!byMethod) this.statics.set(path, (byMethod = new Map()));
      byMethod.set(method, handler);
    }
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | "method" | null {
    const byMethod = this.statics.get(path);
    if (byMethod) {
      const h = byMethod.get(method) ?? (method === "HEAD" ? byMethod.get("GET") : undefined);
      return h ? { handler: h, params: {} } : "method";
    }
    const segs = path.split("/");
    let wrongMethod = false;
    outer: for (const r of this.patterns) {
      if (r.parts.length !== segs.length) continue;
      const params: Record<string, string> = {};
      for (let i = 0; i < segs.length; i++) {
        const p = r.parts[i];
        if (p.startsWith(":")) {
          if (segs[i] === "") continue outer;
          try {
            params[p.slice(1)] = decodeURIComponent(segs[i]);
          } catch {
            continue outer;
          }
        } else if (p !== segs[i]) continue outer;
      }
      if (r.method !== method) {
        wrongMethod = true;
        continue;
      }
      return { handler: r.handler, params };
    }
    return wrongMethod ? "method" : null;
  }
}
