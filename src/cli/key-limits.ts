import type { VirtualKeyView } from "../keys/types.js";
import type { KeyLimits } from "../limits/key-limits.js";
import { AdminClient } from "./admin-client.js";

type Conn = { url: string; token?: string };

export interface KeyLimitOptions {
  rpm?: string;
  tpm?: string;
  maxConcurrency?: string;
  budgetDay?: string;
  budgetMonth?: string;
}

/** `--rpm 60 --budget-day 5` → the key's limits object; undefined when no flag was given. */
export function keyLimitsFrom(o: KeyLimitOptions): KeyLimits | undefined {
  const int = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got "${v}"`);
    return n;
  };
  const usd = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v.replace(/^\$/, ""));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: expected a positive USD amount, got "${v}"`);
    return n;
  };
  const limits: KeyLimits = {
    rpm: int("--rpm", o.rpm),
    tpm: int("--tpm", o.tpm),
    max_concurrency: int("--max-concurrency", o.maxConcurrency),
    daily_usd: usd("--budget-day", o.budgetDay),
    monthly_usd: usd("--budget-month", o.budgetMonth),
  };
  for (const k of Object.keys(limits) as (keyof KeyLimits)[]) if (limits[k] === undefined) delete limits[k];
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** One line for people: `rpm 60, tpm 100000, $5/day`. */
export function describeKeyLimits(l: KeyLimits | null): string {
  if (!l) return "-";
  const parts: string[] = [];
  if (l.rpm !== undefined) parts.push(`rpm ${l.rpm}`);
  if (l.tpm !== undefined) parts.push(`tpm ${l.tpm}`);
  if (l.max_concurrency !== undefined) parts.push(`concurrency ${l.max_concurrency}`);
  if (l.daily_usd !== undefined) parts.push(`$${l.daily_usd}/day`);
  if (l.monthly_usd !== undefined) parts.push(`$${l.monthly_usd}/month`);
  return parts.join(", ");
}

/** `keel keys limits <id> --rpm 60 …`: replaces the key's limits; `--clear` removes them. */
export async function setKeyLimits(c: Conn, id: string, o: KeyLimitOptions & { clear?: boolean; json?: boolean }): Promise<void> {
  const limits = keyLimitsFrom(o);
  if (!limits && !o.clear) throw new Error("give at least one of --rpm, --tpm, --max-concurrency, --budget-day, --budget-month, or --clear");
  if (limits && o.clear) throw new Error("--clear removes every limit: do not combine it with limit flags");
  const k = await new AdminClient(c.url, c.token).call<VirtualKeyView>("PUT", `/api/v1/keys/${encodeURIComponent(id)}/limits`, limits ?? {});
  if (o.json) return void process.stdout.write(`${JSON.stringify(k, null, 2)}\n`);
  process.stdout.write(`${k.id} (${k.name}) limits: ${describeKeyLimits(k.limits)}\n`);
}
