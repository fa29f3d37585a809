import { randomBytes } from "node:crypto";
import type { ChatRequest, Usage } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type { CallContext } from "../types.js";
import { answerChoice, stopList, type AnswerSource, type AnswerSizes, type ChoiceAnswer } from "./answers.js";
import { decideFaults, FaultDice, type StreamFault } from "./faults.js";
import type { SimOptions } from "./options.js";
import { PrefixCache } from "./prefix-cache.js";
import { PromptProfiles, type PromptProfile } from "./prompt-profile.js";
import { compileRules, matchRule, type CompiledRule } from "./rules.js";
import { hashString } from "../../random/rng.js";
import { readSimHeader } from "./sim-header.js";
import { chooseTool } from "./tools.js";
import { SimClassifier } from "./classifier.js";

/**
 * The simulator's core: turns a request into a plan — the answers, usage, timing and faults of
 * one call — synchronously and without I/O. The provider (chat, stream) and the standalone HTTP
 * server both play plans; the server needs the plan itself to act out stream faults on the wire.
 */

export type CallPlan = FailPlan | HangPlan | AnswerPlan;

export interface FailPlan {
  readonly kind: "fail";
  readonly delayMs: number;
  readonly error: KeelError;
}

export interface HangPlan {
  readonly kind: "hang";
  readonly delayMs: number;
}

export interface AnswerPlan {
  readonly kind: "answer";
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly choices: readonly ChoiceAnswer[];
  readonly usage: Usage;
  readonly includeUsage: boolean;
  /** Extra latency (header latency_ms, fault spike) before time to first token starts. */
  readonly delayMs: number;
  /** Base TTFT plus prefill of the uncached prompt tokens. */
  readonly ttftMs: number;
  readonly itlMs: number;
  readonly streamFault: StreamFault | null;
  readonly blockHashes: readonly number[];
}

export const SYSTEM_FINGERPRINT = "sim-1";

/** OpenAI's own bound on n. */
const MAX_N = 128;

export class SimEngine {
  readonly prefixCache: PrefixCache;
  private readonly profiles: PromptProfiles;
  private readonly rules: readonly CompiledRule[];
  /** Rule matches memoised per (memoised) prompt profile: a repeated prompt runs no regex. */
  private readonly ruleMemo = new WeakMap<PromptProfile, CompiledRule | null>();
  private readonly dice: FaultDice;
  private readonly sizes: AnswerSizes;
  private readonly idPrefix = randomBytes(6).toString("base64url");
  private seq = 0;
  /** Set when the options configure the simulator as a safety classifier. */
  readonly classifier: SimClassifier | null;

  constructor(readonly opts: SimOptions) {
    this.classifier = opts.classifier ? new SimClassifier(opts.classifier) : null;
    this.prefixCache = new PrefixCache(opts.prefix_cache_blocks);
    this.profiles = new PromptProfiles(opts.prefix_block_tokens);
    this.rules = compileRules(opts.rules);
    this.dice = new FaultDice(opts.faults.seed);
    this.sizes = { defaultTokens: opts.default_answer_tokens, maxAnswerTokens: opts.max_answer_tokens };
  }

  /** Throws KeelError invalid_request for a bad x-keel-sim header or request; faults are part of the plan. */
  plan(req: ChatRequest, headers: CallContext["headers"], stream: boolean): CallPlan {
    const directives = readSimHeader(headers);
    const n = checkedInt(req.n, "n", MAX_N) ?? 1;
    const maxTokens = checkedInt(req.max_completion_tokens, "max_completion_tokens") ?? checkedInt(req.max_tokens, "max_tokens");
    const faults = decideFaults(this.opts.name, this.opts.faults, directives, this.dice, stream);
    if (faults.hang) return { kind: "hang", delayMs: faults.delayMs };
    if (faults.failure) return { kind: "fail", delayMs: faults.delayMs, error: faults.failure };

    const profile = this.profiles.get(req);
    const tool = chooseTool(req, profile.lastUser); // before the literal/rule shortcut, so a bad tool_choice is always reported
    const rule = directives.answer === undefined ? this.ruleFor(profile) : null;
    // A classifier answers what no header or rule has answered: its verdict on the last user message.
    const literal = directives.answer ?? (rule === null && this.classifier ? this.classifier.chatAnswer(profile.lastUser) : undefined);
    const src: AnswerSource = { literal, rule, tool, maxTokens, stops: stopList(req.stop) };
    const seedHash = typeof req.seed === "number" ? hashString(String(req.seed)) : 0;
    const choices = new Array<ChoiceAnswer>(n);
    let completionTokens = 0;
    for (let i = 0; i < n; i++) {
      choices[i] = answerChoice(req, profile.hash, seedHash, i, src, this.sizes);
      completionTokens += choices[i].completionTokens;
    }

    const o = this.opts;
    const cached = Math.min(this.prefixCache.matchedBlocks(profile.blockHashes) * o.prefix_block_tokens, profile.promptTokens);
    const ttftMs = (directives.ttft_ms ?? o.ttft_ms) + (o.prefill_us_per_token * (profile.promptTokens - cached)) / 1000;
    return {
      kind: "answer",
      id: `chatcmpl-${this.idPrefix}${(++this.seq).toString(36)}`,
      created: Math.floor(Date.now() / 1000),
      model: req.model,
      choices,
      usage: {
        prompt_tokens: profile.promptTokens,
        completion_tokens: completionTokens,
        total_tokens: profile.promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: cached },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
      includeUsage: req.stream_options?.include_usage === true,
      delayMs: faults.delayMs,
      ttftMs,
      itlMs: directives.itl_ms ?? o.itl_ms,
      streamFault: faults.streamFault,
      blockHashes: profile.blockHashes,
    };
  }

  /**
   * Called when prefill is done (at the first token): from then on a real server holds the
   * prompt's KV blocks, so only later requests — not concurrent ones — find them cached.
   */
  prefilled(plan: AnswerPlan): void {
    this.prefixCache.insert(plan.blockHashes);
  }

  reset(): void {
    this.prefixCache.clear();
    this.profiles.clear();
  }

  private ruleFor(profile: PromptProfile): CompiledRule | null {
    if (this.rules.length === 0) return null;
    let rule = this.ruleMemo.get(profile);
    if (rule === undefined) {
      rule = matchRule(this.rules, profile.lastUser);
      this.ruleMemo.set(profile, rule);
    }
    return rule;
  }
}

function checkedInt(v: unknown, param: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= max) return v;
  throw new KeelError("invalid_request", `${param} must be an integer between 1 and ${max}.`, { param });
}
