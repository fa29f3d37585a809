/**
 * The load: autocannon for throughput and tail latency, and undici on a one-connection keep-alive
 * Pool for the sub-millisecond figures autocannon cannot give (it records whole milliseconds).
 * Direct and through-Keel are always driven with identical settings, headers and body.
 */
import autocannon from "autocannon";
import { Pool } from "undici";
import { type Summary, summarize } from "./stats.js";

export interface Target {
  readonly label: "direct" | "keel" | "portkey" | "floor";
  readonly origin: string;
  /** Model name as this target knows it: `sim` upstream, `bench` in Keel. */
  readonly model: string;
  readonly authorization: string;
  /** Extra request headers (a peer gateway's routing headers). */
  readonly headers?: Readonly<Record<string, string>>;
}

export const PATH = "/v1/chat/completions";

/**
 * A small, realistic chat call: a system prompt, one user turn, a short answer. With `n`, the user
 * turn ends with a reference made of letters only (`ref ab`), different for every n: real traffic
 * does not repeat its user turns, so the guard's memo of screened texts (decision 0038) and the
 * simulator's prompt-seeded answer must not see the same text again and again. Letters only, so the
 * guard's digit pre-checks (decision 0036) see what they saw in the body without a reference.
 */
export function chatBody(model: string, stream: boolean, n?: number): string {
  const ref = n === undefined ? "" : ` (ref ${letters(n)})`;
  return JSON.stringify({
    model,
    messages: [
      { role: "system", content: "You are a concise assistant for an online bookshop. Answer in one or two sentences." },
      { role: "user", content: `Do you ship paperbacks to Canada, and how long does delivery usually take?${ref}` },
    ],
    max_tokens: 16,
    temperature: 0.2,
    ...(stream ? { stream: true } : {}),
  });
}

/** n in base 26, letters a–z (0 → "a", 26 → "ba"). */
export function letters(n: number): string {
  let out = "";
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out;
}

function headersOf(t: Target): Record<string, string> {
  // The simulator ignores Authorization; sending one keeps both requests the same size and shape.
  return { "content-type": "application/json", authorization: t.authorization, ...t.headers };
}

let sent = 0;

export interface LoadResult {
  readonly connections: number;
  readonly durationS: number;
  /** Requests sent, answered or not (each becomes a trace in Keel). */
  readonly sent: number;
  /** 2xx responses. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly rps: number;
  /** autocannon's latency histogram, whole ms. */
  readonly latency: { mean: number; p50: number; p90: number; p99: number; max: number };
}

/**
 * `overallRate`: requests per second across all connections (unset: as fast as the target answers).
 * Every request's user turn differs (chatBody's `n`; the counter is shared by every run of the
 * process, so a warm-up never sends what the measured run sends).
 */
export async function runAutocannon(t: Target, connections: number, durationS: number, overallRate?: number): Promise<LoadResult> {
  const r = await autocannon({
    url: `${t.origin}${PATH}`,
    method: "POST",
    headers: headersOf(t),
    body: chatBody(t.model, false),
    requests: [{ setupRequest: (req) => ({ ...req, body: chatBody(t.model, false, sent++) }) }],
    connections,
    pipelining: 1,
    duration: durationS,
    timeout: 10,
    ...(overallRate ? { overallRate } : {}),
  });
  return {
    connections,
    durationS: r.duration,
    sent: r.requests.sent,
    ok: r["2xx"],
    non2xx: r.non2xx,
    errors: r.errors,
    rps: r["2xx"] / r.duration,
    latency: { mean: r.latency.mean, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
  };
}

export interface PairedSamples {
  readonly direct: Summary;
  readonly keel: Summary;
  readonly errors: number;
}

/**
 * Sequential requests, alternating direct and Keel one by one (which goes first swaps every round),
 * so drift in machine load hits both sides alike. One keep-alive connection per target, as a c=1
 * client has. `measure` returns the sample in ms, or null for a failed request.
 */
async function paired(
  targets: readonly [Target, Target], n: number, warmup: number, measure: (pool: Pool, t: Target) => Promise<number | null>,
): Promise<PairedSamples> {
  const pools = targets.map((t) => new Pool(t.origin, { connections: 1, pipelining: 1 }));
  const samples: [number[], number[]] = [[], []];
  let errors = 0;
  try {
    for (let i = 0; i < warmup + n; i++) {
      for (let k = 0; k < 2; k++) {
        const j = i % 2 === 0 ? k : 1 - k;
        const ms = await measure(pools[j], targets[j]);
        if (ms === null) errors++;
        else if (i >= warmup) samples[j].push(ms);
      }
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  const byLabel = targets[0].label === "direct" ? samples : [samples[1], samples[0]];
  return { direct: summarize(byLabel[0]), keel: summarize(byLabel[1]), errors };
}

/** Full response time (request out → last body byte) of non-streaming calls. */
export function sequentialLatency(targets: readonly [Target, Target], n: number, warmup: number): Promise<PairedSamples> {
  return paired(targets, n, warmup, async (pool, t) => {
    const body = chatBody(t.model, false, sent++);
    const t0 = performance.now();
    const res = await pool.request({ method: "POST", path: PATH, headers: headersOf(t), body });
    await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
    const ms = performance.now() - t0;
    return res.statusCode === 200 ? ms : null;
  });
}

/**
 * Time from sending a streaming call to its first body byte (the first SSE event), then the stream
 * is read to its end so the connection is reused. Keel holds its headers until the first chunk,
 * so this is the client's time to first token with an instant upstream.
 */
export function streamFirstByte(targets: readonly [Target, Target], n: number, warmup: number): Promise<PairedSamples> {
  return paired(targets, n, warmup, async (pool, t) => {
    const body = chatBody(t.model, true, sent++);
    const t0 = performance.now();
    const res = await pool.request({ method: "POST", path: PATH, headers: headersOf(t), body });
    let first: number | null = null;
    let text = "";
    for await (const chunk of res.body) {
      first ??= performance.now() - t0;
      text += (chunk as Buffer).toString("utf8");
    }
    return res.statusCode === 200 && text.startsWith("data: ") && text.includes("data: [DONE]") ? first : null;
  });
}
