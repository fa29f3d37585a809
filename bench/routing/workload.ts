/**
 * The prefix-affinity workload (issue 3, section 3): T tenants, each with a long prefix of its own
 * — a system prompt and its documents — asking short questions, in bursts: bursts arrive as a
 * Poisson process, each from one tenant (Zipf-popular), a few requests close together. Prompts
 * are real chat requests hashed by the router's own PromptBlocks, so the simulation routes on
 * exactly what Keel would compute.
 */
import type { ChatRequest } from "../../src/api/chat-types.js";
import { Rng } from "../../src/random/rng.js";
import { PromptBlocks } from "../../src/routing/prompt-blocks.js";
import { countTextTokens } from "../../src/tokens/count.js";

export interface WorkloadSettings {
  readonly tenants: number;
  readonly requests: number;
  /** Mean burst arrivals per second (Poisson). */
  readonly burstsPerSecond: number;
  /** Requests per burst: geometric with this mean. */
  readonly meanBurstSize: number;
  /** Mean gap between requests of one burst (exponential). */
  readonly burstGapMs: number;
  /** Tenant popularity: P(tenant k) ∝ 1/(k+1)^s. */
  readonly zipfS: number;
  readonly systemWords: number;
  readonly documentWords: number;
  readonly outputTokens: readonly [number, number];
  readonly seed: number;
}

export interface SimRequest {
  readonly arrivalMs: number;
  readonly tenant: number;
  readonly blockHashes: readonly number[];
  readonly promptTokens: number;
  readonly outputTokens: number;
}

const WORDS = (
  "policy section clause account customer order refund shipping warranty invoice payment contract service term " +
  "period notice party liability damage claim record report data access user system network storage backup " +
  "schedule review approval budget project team manager office region market product price discount tax rate"
).split(" ");

function text(rng: Rng, words: number, tag: string): string {
  const out: string[] = [tag];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rng.next() * WORDS.length)] + (i % 17 === 16 ? "." : ""));
  return out.join(" ");
}

export function buildWorkload(s: WorkloadSettings, blockTokens: number, seedName: string): SimRequest[] {
  const rng = new Rng(s.seed);
  const blocks = new PromptBlocks(64 * 1024 * 1024);
  const tenants = Array.from({ length: s.tenants }, (_, t) => {
    const system = text(rng, s.systemWords, `You are the assistant of tenant ${t}. Answer from the documents only.`);
    const docs = text(rng, s.documentWords, `Documents of tenant ${t}:`);
    // countPromptTokens' rule: 3 to prime the reply, 3 per message, plus each message's text
    return { system, docs, tokens: 3 + 3 + countTextTokens(system) + 3 + countTextTokens(docs) };
  });
  const zipf = cumulative(Array.from({ length: s.tenants }, (_, k) => 1 / (k + 1) ** s.zipfS));
  const exp = (mean: number): number => -Math.log(1 - rng.next()) * mean;
  const out: SimRequest[] = [];
  let t = 0;
  while (out.length < s.requests) {
    t += exp(1000 / s.burstsPerSecond);
    const tenant = pick(zipf, rng.next());
    const size = 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - 1 / s.meanBurstSize));
    let at = t;
    for (let i = 0; i < size && out.length < s.requests; i++) {
      const q = `Question ${out.length}: what does the ${WORDS[Math.floor(rng.next() * WORDS.length)]} clause say about ${WORDS[Math.floor(rng.next() * WORDS.length)]}?`;
      const ten = tenants[tenant];
      const req: ChatRequest = { model: seedName, messages: [{ role: "system", content: ten.system }, { role: "user", content: ten.docs }, { role: "user", content: q }] };
      const [lo, hi] = s.outputTokens;
      out.push({
        arrivalMs: at, tenant, blockHashes: blocks.hashes(req, blockTokens, seedName),
        promptTokens: ten.tokens + 3 + countTextTokens(q), outputTokens: lo + Math.floor(rng.next() * (hi - lo + 1)),
      });
      at += exp(s.burstGapMs);
    }
  }
  return out.sort((a, b) => a.arrivalMs - b.arrivalMs);
}

function cumulative(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
}

function pick(cdf: readonly number[], u: number): number {
  for (let i = 0; i < cdf.length; i++) if (u < cdf[i]) return i;
  return cdf.length - 1;
}
