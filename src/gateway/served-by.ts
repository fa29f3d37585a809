import type { ServerResponse } from "node:http";
import type { RouteTarget } from "../routing/route-table.js";
import type { GatewayContext } from "./context.js";

/** Who served: x-keel-target (provider/model), x-keel-provider, x-keel-attempts, and the trace's target. */
export function servedBy(ctx: GatewayContext, res: ServerResponse, target: RouteTarget): void {
  ctx.target = target;
  res.setHeader("x-keel-target", headerSafe(target.id));
  res.setHeader("x-keel-provider", target.provider);
  res.setHeader("x-keel-attempts", String(ctx.attempts.length));
}

/** A call that failed after attempts still says how many it made, and which provider failed last. */
export async function attemptsOnError<T>(ctx: GatewayContext, res: ServerResponse, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    const last = ctx.attempts.at(-1);
    if (!res.headersSent && last) {
      res.setHeader("x-keel-attempts", String(ctx.attempts.length));
      res.setHeader("x-keel-provider", last.provider);
    }
    throw err;
  }
}

/** A wildcard model's upstream name is the client's text: anything outside visible ASCII is percent-encoded, never a throw. */
function headerSafe(v: string): string {
  return /^[\x20-\x7e]*$/.test(v) ? v : encodeURIComponent(v);
}
