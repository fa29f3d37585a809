import { KeelError } from "../../errors/errors.js";
import type { CallContext } from "../types.js";

/**
 * The `x-keel-sim` request header: per-request faults and timing for the simulator, as
 * `;`-separated `key=value` pairs, e.g. `x-keel-sim: fail=503; retry_after=2`. Parsed strictly:
 * a chaos drill with a typo must fail loudly, not run without its fault.
 */
export const SIM_HEADER = "x-keel-sim";

export interface SimDirectives {
  /** Fail with this HTTP status (with probability fail_rate when given). */
  readonly fail?: number;
  readonly fail_rate?: number;
  /** Seconds, sent as Retry-After on a simulated failure. */
  readonly retry_after?: number;
  /** Extra delay before anything happens. */
  readonly latency_ms?: number;
  readonly ttft_ms?: number;
  readonly itl_ms?: number;
  /** Never answer until the caller aborts. */
  readonly timeout?: boolean;
  readonly cut_after?: number;
  readonly malformed_after?: number;
  /** Literal answer text, percent-decoded so it can hold `;` and non-ASCII. */
  readonly answer?: string;
}

type Key = keyof SimDirectives;
type Parser = (raw: string) => SimDirectives[Key] | undefined;

const DECIMAL = /^\d+(\.\d+)?$/;
const INTEGER = /^\d+$/;

function decimal(max: number): Parser {
  return (raw) => (DECIMAL.test(raw) && Number(raw) <= max ? Number(raw) : undefined);
}

function integer(min: number, max: number): Parser {
  return (raw) => (INTEGER.test(raw) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : undefined);
}

const PARSERS: Record<Key, { parse: Parser; expects: string }> = {
  fail: { parse: integer(400, 599), expects: "an HTTP status 400-599" },
  fail_rate: { parse: decimal(1), expects: "a probability 0-1" },
  retry_after: { parse: decimal(3600), expects: "seconds 0-3600" },
  latency_ms: { parse: decimal(600_000), expects: "milliseconds 0-600000" },
  ttft_ms: { parse: decimal(600_000), expects: "milliseconds 0-600000" },
  itl_ms: { parse: decimal(60_000), expects: "milliseconds 0-60000" },
  timeout: { parse: (raw) => (raw === "1" ? true : raw === "0" ? false : undefined), expects: "0 or 1" },
  cut_after: { parse: integer(0, 1_000_000), expects: "a chunk count" },
  malformed_after: { parse: integer(0, 1_000_000), expects: "a chunk count" },
  answer: { parse: percentDecoded, expects: "percent-encoded text" },
};

function percentDecoded(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Shared by every call without the header, so the common path allocates nothing. */
export const NO_DIRECTIVES: SimDirectives = Object.freeze({});

function invalid(message: string): KeelError {
  return new KeelError("invalid_request", `${SIM_HEADER}: ${message}`, { param: SIM_HEADER });
}

export function readSimHeader(headers: CallContext["headers"]): SimDirectives {
  const value = headers?.[SIM_HEADER];
  if (value === undefined) return NO_DIRECTIVES;
  return parseSimHeader(Array.isArray(value) ? value.join(";") : value);
}

export function parseSimHeader(value: string): SimDirectives {
  const out: { -readonly [K in Key]?: SimDirectives[K] } = {};
  for (const part of value.split(";")) {
    const pair = part.trim();
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    if (eq === -1) throw invalid(`expected key=value, got "${pair}"`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    if (!Object.hasOwn(PARSERS, key)) throw invalid(`unknown key "${key}" (known: ${Object.keys(PARSERS).join(", ")})`);
    const k = key as Key;
    if (out[k] !== undefined) throw invalid(`${k} given twice`);
    const v = PARSERS[k].parse(raw);
    if (v === undefined) throw invalid(`${k} must be ${PARSERS[k].expects}, got "${raw}"`);
    (out as Record<Key, unknown>)[k] = v;
  }
  if (out.cut_after !== undefined && out.malformed_after !== undefined) throw invalid("cut_after and malformed_after exclude each other");
  return out;
}
