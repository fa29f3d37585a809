import { KeelError, upstreamCodeFor } from "../../errors/errors.js";
import type { SimFaults } from "./options.js";
import { Rng } from "../../random/rng.js";
import { NO_DIRECTIVES, type SimDirectives } from "./sim-header.js";

/**
 * Fault injection: configured probabilities (`faults` in the options) and per-request directives
 * (the x-keel-sim header, which overrides them) decide, once per call, what goes wrong.
 */

export interface StreamFault {
  readonly kind: "cut" | "malformed";
  /** Chunks delivered before the fault; the stream layer caps it so the final chunk never arrives. */
  readonly afterChunks: number;
}

export interface FaultPlan {
  /** Extra delay before the call does anything: latency_ms plus a latency spike. */
  readonly delayMs: number;
  /** A simulated upstream HTTP failure, thrown after delayMs. */
  readonly failure: KeelError | null;
  /** Never answer until the caller aborts. */
  readonly hang: boolean;
  /** Only ever set for streaming calls. */
  readonly streamFault: StreamFault | null;
}

export const NO_FAULTS: FaultPlan = Object.freeze({ delayMs: 0, failure: null, hang: false, streamFault: null });

/**
 * Math.random by default, so a retried request can succeed where the first attempt failed; with
 * `faults.seed`, one seeded sequence per simulator instance makes a chaos drill reproducible.
 * A probability of 0 or 1 draws nothing, so the sequence only advances for real coin flips.
 */
export class FaultDice {
  private readonly rng: Rng | null;

  constructor(seed?: number) {
    this.rng = seed === undefined ? null : new Rng(seed);
  }

  roll(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return (this.rng ? this.rng.next() : Math.random()) < p;
  }
}

export function faultsConfigured(f: SimFaults): boolean {
  return f.error_rate > 0 || f.spike_rate > 0 || f.timeout_rate > 0 || f.cut_rate > 0 || f.malformed_rate > 0;
}

export function decideFaults(provider: string, f: SimFaults, d: SimDirectives, dice: FaultDice, stream: boolean): FaultPlan {
  if (d === NO_DIRECTIVES && !faultsConfigured(f)) return NO_FAULTS;
  const delayMs = (d.latency_ms ?? 0) + (dice.roll(f.spike_rate) ? f.spike_ms : 0);
  if (d.timeout ?? dice.roll(f.timeout_rate)) return { delayMs, failure: null, hang: true, streamFault: null };
  const fails = d.fail_rate !== undefined ? dice.roll(d.fail_rate) : d.fail !== undefined || dice.roll(f.error_rate);
  const failure = fails ? simulatedFailure(provider, d.fail ?? f.status, d.retry_after ?? f.retry_after_s) : null;
  let streamFault: StreamFault | null = null;
  if (stream && !failure) {
    if (d.cut_after !== undefined) streamFault = { kind: "cut", afterChunks: d.cut_after };
    else if (d.malformed_after !== undefined) streamFault = { kind: "malformed", afterChunks: d.malformed_after };
    else if (dice.roll(f.cut_rate)) streamFault = { kind: "cut", afterChunks: f.cut_after_chunks };
    else if (dice.roll(f.malformed_rate)) streamFault = { kind: "malformed", afterChunks: f.cut_after_chunks };
  }
  return delayMs === 0 && !failure && !streamFault ? NO_FAULTS : { delayMs, failure, hang: false, streamFault };
}

/** OpenAI's error bodies for the statuses drills use most; anything else gets the generic 4xx/5xx shape. */
const OPENAI_ERRORS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request.", type: "invalid_request_error", code: null },
  401: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" },
  403: { message: "You are not allowed to sample from this model.", type: "invalid_request_error", code: null },
  404: { message: "The model does not exist or you do not have access to it.", type: "invalid_request_error", code: "model_not_found" },
  429: { message: "Rate limit reached for requests.", type: "requests", code: "rate_limit_exceeded" },
  500: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: null },
  503: { message: "The engine is currently overloaded, please try again later.", type: "server_error", code: null },
};

export function simulatedFailure(provider: string, status: number, retryAfter: number | undefined): KeelError {
  const known = OPENAI_ERRORS[status] ?? { message: `HTTP ${status}.`, type: status >= 500 ? "server_error" : "invalid_request_error", code: null };
  const body = { error: { message: `(simulated) ${known.message}`, type: known.type, param: null, code: known.code } };
  return new KeelError(upstreamCodeFor(status), `${provider}: simulated upstream failure, HTTP ${status}`, {
    retryAfter,
    upstream: { provider, status, body },
  });
}

export function streamFaultError(provider: string, fault: StreamFault, delivered: number): KeelError {
  const what = fault.kind === "cut" ? "stream ended abruptly" : "malformed chunk";
  return new KeelError("upstream_stream_error", `${provider}: ${what} after ${delivered} chunks (simulated)`, { upstream: { provider } });
}
