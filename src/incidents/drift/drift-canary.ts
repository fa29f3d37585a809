import type { ChatRequest } from "../../api/chat-types.js";
import type { AlertSource, SourcedAlertRule } from "../../alerts/alert-service.js";
import type { Notifier, NotifyTarget } from "../../alerts/notifier.js";
import type { AlertStore } from "../../alerts/alert-store.js";
import { initialState, isSilenced, step } from "../../alerts/state-machine.js";
import type { Logger } from "../../observe/log.js";
import type { Embedder } from "../../providers/embeddings/embedder.js";
import { base64ToFloat32, cosineSimilarity, float32ToBase64 } from "../../providers/embeddings/vector.js";
import { buildEvaluators } from "../../evals/evaluators/registry.js";
import type { Evaluator } from "../../evals/evaluators/types.js";
import { changeFromDrift, type ChangeEvent } from "../change-events.js";
import { comparePrompt, judgeModel, type ModelVerdict, type PromptComparison, scoreShifts } from "./drift-compare.js";
import type { DriftConfig } from "./drift-schema.js";
import type { DriftBaseline, DriftStore } from "./drift-store.js";

/** One canary call: the answer text and what the upstream said it served. */
export interface CanaryAnswer {
  content: string;
  served: string | null;
  fingerprint: string | null;
}

/** Calls a public model name off the request path (app.ts: model registry → provider). */
export type CanaryCaller = (req: ChatRequest, signal: AbortSignal) => Promise<CanaryAnswer>;

export interface ModelRunResult extends ModelVerdict {
  model: string;
  at: number;
  /** `baseline`: first run (or new prompts only), nothing to compare with. */
  status: "baseline" | "stable" | "drifted" | "error";
  prompts: PromptComparison[];
  errors: { prompt: string; error: string }[];
  served: string | null;
}

const CALL_TIMEOUT_MS = 60_000;

/**
 * The scheduled canary suite against silent vendor updates: fixed prompts per model at
 * temperature 0, compared with the last baseline by exact match and embedding similarity.
 *
 * A drifted model records a run (a `model.drift.detected` change event on the incident timeline),
 * steps an alert `drift.<model>` through the alert state machine and notifies the canary's owner,
 * and becomes the new baseline — so a vendor update pages once, and the next stable run resolves.
 * A stable run keeps the old baseline: slow creep is measured against the same reference.
 */
export class DriftCanary implements AlertSource {
  readonly alertSource = "drift" as const;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ModelRunResult[]> | null = null;
  private readonly abort = new AbortController();
  private readonly evaluators: Evaluator[];

  constructor(
    private readonly cfg: DriftConfig,
    private readonly store: DriftStore,
    private readonly call: CanaryCaller,
    private readonly embedder: Embedder,
    private readonly alerts: { store: AlertStore; notifier: Notifier },
    private readonly log: Logger,
  ) {
    this.evaluators = buildEvaluators(cfg.evaluators, { embedder });
  }

  get enabled(): boolean {
    return this.cfg.models.length > 0;
  }

  /** One pass over every model. Passes never overlap; a second call waits for the running one. */
  run(now: number = Date.now()): Promise<ModelRunResult[]> {
    this.running ??= this.pass(now).finally(() => { this.running = null; });
    return this.running;
  }

  start(): void {
    if (this.timer || !this.enabled) return;
    this.timer = setInterval(() => void this.run().catch((err) => this.log.error("drift canary failed", { error: String(err) })), this.cfg.interval_s * 1000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort(new Error("shutting down"));
    await this.running?.catch(() => {});
  }

  /** Its alerts, rule-shaped, so `GET /api/v1/alerts` lists them and ack and silence work on them. */
  alertRules(): SourcedAlertRule[] {
    const owner = this.cfg.owner;
    if (!owner) return [];
    return this.cfg.models.map((model) => ({
      name: `drift.${model}`, owner, metric: "drift_similarity", slice: { model }, window_s: this.cfg.interval_s, notify: this.cfg.notify,
      threshold: { op: "<", value: this.cfg.thresholds.min_similarity },
      description: `Drift canary: ${model} answers its fixed prompts differently from the baseline`,
    }));
  }

  /** Drift runs as change events in [since, until), for the incident timeline. */
  changes(since: number, until: number): ChangeEvent[] {
    return this.store.runs(since, until, true).map((r) => changeFromDrift({
      at: r.at, model: r.model, served: (r.body.served as string | null) ?? null,
      mean_similarity: (r.body.mean_similarity as number | null) ?? null, exact_share: (r.body.exact_share as number | null) ?? null, compared: (r.body.compared as number) ?? 0,
    }));
  }

  private async pass(now: number): Promise<ModelRunResult[]> {
    const out: ModelRunResult[] = [];
    for (const model of this.cfg.models) {
      try {
        out.push(await this.runModel(model, now));
      } catch (err) {
        this.log.error("drift canary model failed", { model, error: String(err) });
      }
    }
    return out;
  }

  private async runModel(model: string, now: number): Promise<ModelRunResult> {
    const answers: { prompt: string; a: CanaryAnswer; scores: Record<string, number> }[] = [];
    const errors: { prompt: string; error: string }[] = [];
    for (const p of this.cfg.prompts) {
      const messages: ChatRequest["messages"] = p.system ? [{ role: "system", content: p.system }] : [];
      messages.push({ role: "user", content: p.text });
      try {
        const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(CALL_TIMEOUT_MS)]);
        const a = await this.call({ model, messages, temperature: 0, max_tokens: p.max_tokens }, signal);
        answers.push({ prompt: p.id, a, scores: await this.score(p.text, a.content, p.expected) });
      } catch (err) {
        errors.push({ prompt: p.id, error: String((err as Error).message ?? err) });
      }
    }
    const base = this.store.baselines(model);
    // Only answers that differ from their baseline need a vector: a stable model embeds nothing.
    const toEmbed = answers.filter(({ prompt, a }) => a.content !== "" && base.get(prompt)?.answer !== a.content);
    const vectors = new Map<string, Float32Array>();
    if (toEmbed.length > 0) {
      const vs = await this.embedder.embed(toEmbed.map((x) => x.a.content.slice(0, this.embedder.maxInputChars)), this.abort.signal);
      toEmbed.forEach((x, i) => vectors.set(x.prompt, vs[i]));
    }
    const compared: PromptComparison[] = [];
    for (const { prompt, a } of answers) {
      const b = base.get(prompt);
      if (!b) continue;
      const exact = b.answer === a.content;
      const v = vectors.get(prompt);
      const similarity = exact ? 1 : v && b.embedding ? cosineSimilarity(v, base64ToFloat32(b.embedding)) : 0;
      compared.push(comparePrompt(prompt, exact, similarity, this.cfg.thresholds));
    }
    const shifts = scoreShifts(answers.flatMap(({ prompt, scores }) => (base.has(prompt) ? [{ baseline: base.get(prompt)!.scores, current: scores }] : [])));
    const verdict = judgeModel(compared, this.cfg.thresholds, shifts);
    const served = answers.find((x) => x.a.served)?.a.served ?? null;
    const status: ModelRunResult["status"] = answers.length === 0 ? "error" : verdict.drifted ? "drifted" : compared.length === answers.length ? "stable" : "baseline";
    const result: ModelRunResult = { model, at: now, status, ...verdict, prompts: compared, errors, served };

    // New prompts always get a baseline; a drift replaces them all with the new answers.
    const fresh: DriftBaseline[] = [];
    for (const { prompt, a, scores } of answers) {
      if (base.has(prompt) && !verdict.drifted) continue;
      let embedding = base.get(prompt)?.answer === a.content ? base.get(prompt)!.embedding : null;
      if (embedding === null && a.content !== "") {
        const v = vectors.get(prompt) ?? (await this.embedder.embed([a.content.slice(0, this.embedder.maxInputChars)], this.abort.signal))[0];
        embedding = float32ToBase64(v);
      }
      fresh.push({ model, prompt, answer: a.content, embedding, served: a.served, fingerprint: a.fingerprint, scores, at: now });
    }
    this.store.record({ at: now, model, drifted: verdict.drifted, body: { ...result } }, fresh);
    if (status !== "error" && status !== "baseline") await this.alert(model, result, now);
    if (verdict.drifted) this.log.warn("upstream drift detected", { model, mean_similarity: verdict.mean_similarity, exact_share: verdict.exact_share });
    return result;
  }

  /** Scored results by evaluator name; undefined and failed verdicts are left out, not counted as 0. */
  private async score(input: string, output: string, expected: string | undefined): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const ev of this.evaluators) {
      const r = await ev.evaluate({ input, output, expected }, this.abort.signal);
      if (r.status === "scored") out[ev.name] = r.score;
    }
    return out;
  }

  /** The same state machine, dedup and notification history as alert rules, under rule name `drift.<model>`. */
  private async alert(model: string, r: ModelRunResult, now: number): Promise<void> {
    if (!this.cfg.owner) return;
    const name = `drift.${model}`;
    const value = r.mean_similarity ?? 0;
    const obs = { kind: r.drifted ? "breached" as const : "clear" as const, value, baseline: this.cfg.thresholds.min_similarity, samples: r.compared };
    const prev = this.alerts.store.state(name) ?? initialState(now);
    const { next, transition } = step(prev, obs, now, 0);
    this.alerts.store.putState(name, next);
    if (!transition || next.episode === null) return;
    const type = transition === "firing" ? "alert.firing" : "alert.resolved";
    const silenced = isSilenced(next, now);
    const delivery = this.alerts.store.addNotification({ rule: name, episode: next.episode, type, at: now, silenced, owner: this.cfg.owner });
    if (delivery === null || silenced) return;
    const target: NotifyTarget = { name, owner: this.cfg.owner, metric: "drift_similarity", notify: this.cfg.notify };
    // Not awaited: webhook retries run in the background, like those of alert rules.
    void this.alerts.notifier.notify(target, {
      type, rule: name, owner: this.cfg.owner, metric: "drift_similarity", slice: { model }, status: next.status, value, baseline: obs.baseline,
      samples: r.compared, window_s: this.cfg.interval_s, episode: next.episode, incident_id: null, at: now,
      description: r.drifted ? `${model}: canary answers changed under the same model name (mean similarity ${value.toFixed(3)}, exact ${Math.round((r.exact_share ?? 0) * 100)}%)` : `${model}: canary answers stable again`,
    }, delivery);
  }
}
