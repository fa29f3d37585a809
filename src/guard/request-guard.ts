import type { ChatCompletion, ChatMessage, ChatRequest, ToolCall } from "../api/chat-types.js";
import { KeelError } from "../errors/errors.js";
import { screenToolCalls, type ToolDenial } from "./actions/screen-tool-calls.js";
import { changesAnswer, type PolicyScanner, type RunOptions, runScanners } from "./engine/run-scanners.js";
import type { ScanBudget } from "./engine/scan-budget.js";
import { blocking, toRecord, type Verdict, type VerdictRecord } from "./engine/verdict.js";
import type { CompiledPolicy, GuardService, ResolvedPolicies } from "./policy/guard-service.js";
import { type Span, PlaceholderVault } from "./redaction/vault.js";
import { NO_FACTS, type RequestFacts } from "./scanners/definition.js";
import type { GuardSource, Scanner, UnavailableReason } from "./types.js";

/** Where content came from, when the client marks it: `{"role": "user", "keel_source": "document", …}`. */
export const SOURCE_FIELD = "keel_source";
const MARKABLE = new Set<GuardSource>(["user", "document", "tool_result"]);

/** One screened piece of input: a message's string content or one of its text parts. */
interface Unit {
  message: number;
  part: number | null;
  source: GuardSource;
  text: string;
}

export class GuardBlockedError extends KeelError {
  constructor(readonly scanner: string, readonly stage: "input" | "output" | "tool_call") {
    super("guard_blocked", `Blocked by guardrail "${scanner}" at the ${stage.replace("_", " ")} stage.`);
  }
}

const UNAVAILABLE: Record<UnavailableReason, string> = {
  timeout: "it did not answer in time",
  error: "its model call failed",
  malformed: "its model answered something that is not a verdict",
  budget: "too little of the guard budget was left to call it",
};

/**
 * A fail-closed model-based scanner could not judge the call: not a verdict on the content, so
 * a 503 the client may retry rather than the 400 of a block.
 */
export class GuardUnavailableError extends KeelError {
  constructor(readonly scanner: string, readonly stage: "input" | "output", readonly reason: UnavailableReason) {
    super("guard_unavailable", `Guardrail "${scanner}" could not screen the ${stage} (${UNAVAILABLE[reason]}) and its policy fails closed.`);
  }
}

/**
 * The error for the verdicts' refusal, if any: a block on the content wins over a fail-closed
 * scanner that could not judge (which is a 503 the client may retry).
 */
export function refusal(verdicts: readonly Verdict[], stage: "input" | "output"): KeelError | null {
  const v = verdicts.find((x) => x.triggered && x.action === "block" && !x.unavailable) ?? blocking(verdicts);
  if (!v) return null;
  return v.unavailable ? new GuardUnavailableError(v.scanner, stage, v.unavailable) : new GuardBlockedError(v.scanner, stage);
}

/**
 * One request's screening: input before the model, output (or tool calls) before the client.
 * Holds the request's placeholder vault and every verdict, for the trace. The stream variant is
 * StreamScreen (stream/stream-screen.ts), which shares this object's policies and vault.
 */
export class RequestGuard {
  readonly verdicts: Verdict[] = [];
  readonly denials: ToolDenial[] = [];
  readonly vault = new PlaceholderVault();
  facts: RequestFacts = NO_FACTS;
  /** Trusted and untrusted text of the request, for intent checks on tool calls. */
  private trusted = "";
  private untrusted = "";
  private declared = new Map<string, Record<string, unknown> | undefined>();
  /** Scans that cannot change what the client gets (input `log`; output `flag` and `log`): run by runDeferred, after the response. */
  private readonly deferred: (() => Promise<Verdict[][]>)[] = [];
  /** The screened body as the trace keeps it (redacted, marks removed, no canary); set by screenInput. */
  bodyOfRecord: ChatRequest | null = null;

  /** `requestId`: the gateway call screened, handed to model-based scanners for their own traces. */
  /** `traceId`: the call's W3C trace, whose retrieval spans the citations scanner reads. */
  /** `memoScope`: whose remembered scan results this request may reuse (the virtual key; decision 0038). */
  constructor(readonly service: GuardService, readonly policies: ResolvedPolicies, readonly requestId?: string, readonly traceId?: string, readonly memoScope = "") {}

  get budgetMs(): number {
    return this.service.config.budget_ms;
  }

  get scanBudget(): ScanBudget {
    return this.service.config.scan_budget;
  }

  /**
   * Screens the input and returns the body to send upstream: redacted where a policy says so,
   * `keel_source` marks removed, the canary planted. Throws GuardBlockedError on a block.
   */
  async screenInput(body: ChatRequest): Promise<ChatRequest> {
    const { messages, units, systemParts } = this.unitsOf(body);
    for (const u of units) {
      if (u.source === "user") this.trusted += `${u.text}\n`;
      else this.untrusted += `${u.text}\n`;
    }
    const systemPrompt = systemParts.join("\n");
    this.trusted += systemPrompt;
    for (const t of body.tools ?? []) this.declared.set(t.function.name, t.function.parameters);
    const rf = body.response_format;
    this.facts = {
      systemPrompt,
      canary: null,
      jsonSchema: rf?.type === "json_schema" ? (rf.json_schema.schema ?? null) : null,
      wantsJson: rf?.type === "json_schema" || rf?.type === "json_object",
      // Only when a policy checks citations: its scanner reads the documents the request carried.
      ...(this.policies.output?.entries.some((e) => e.name === "citations") ? { messages: body.messages, traceId: this.traceId ?? null } : {}),
    };
    const policy = this.policies.input;
    if (policy && units.length > 0) {
      const all = instantiate(policy, this.facts);
      // Scanners whose action is only `log` cannot change the answer: they run after the response
      // (runDeferred), so they cost the caller no latency.
      const entries = all.filter((e) => e.action !== "log");
      const logOnly = all.filter((e) => e.action === "log");
      const history: string[] = [];
      const inputs = units.map((u) => {
        const h = u.source === "user" ? [...history] : undefined;
        if (u.source === "user") history.push(u.text);
        return { text: u.text, source: u.source, ...(h && h.length ? { history: h } : {}) };
      });
      if (logOnly.length > 0) {
        this.deferred.push(() => Promise.all(inputs.map((input, k) => runScanners(logOnly, input, this.runOptions(k)))));
      }
      const results = await Promise.all(inputs.map((input, k) => runScanners(entries, input, this.runOptions(k))));
      for (const vs of results) this.verdicts.push(...vs);
      this.applyRedactions(units, results, messages, policy);
    }
    // What the trace keeps: the screened body without Keel's canary marker (a dataset made from
    // the trace replays the prompt as the application wrote it). A refused call keeps it too.
    this.bodyOfRecord = { ...body, messages: messages.slice() };
    const refused = refusal(this.verdicts, "input");
    if (refused) throw refused;
    this.plantCanary(messages);
    return { ...body, messages };
  }

  /**
   * For a call refused before its input was screened (limits, unknown model): the body as the
   * input policy would have sent it — redacted, Keel marks removed — for the trace only. Runs
   * after the response; nothing is blocked and no verdict joins the trace.
   */
  async redactForRecord(body: ChatRequest): Promise<ChatRequest> {
    const policy = this.policies.input;
    const { messages, units } = this.unitsOf(body);
    const entries = policy ? instantiate(policy, NO_FACTS).filter((e) => e.action === "redact") : [];
    if (!policy || entries.length === 0 || units.length === 0) return { ...body, messages };
    const results = await Promise.all(units.map((u, k) => runScanners(entries, { text: u.text, source: u.source }, { budgetMs: this.budgetMs, index: k })));
    this.applyRedactions(units, results, messages, policy);
    return { ...body, messages };
  }

  /** How this request's scanners run on its unit (or choice) `index`: its budgets, id and memo scope. */
  private runOptions(index: number): RunOptions {
    return { budgetMs: this.budgetMs, index, scanBudget: this.scanBudget, requestId: this.requestId, memo: this.service.memo, memoScope: this.memoScope };
  }

  private applyRedactions(units: readonly Unit[], results: readonly Verdict[][], messages: ChatMessage[], policy: CompiledPolicy): void {
    units.forEach((u, k) => {
      const redacted = this.redact(u.text, results[k], policy);
      if (redacted === u.text) return;
      const m = messages[u.message];
      if (u.part === null) m.content = redacted;
      else (m.content as Record<string, unknown>[])[u.part] = { ...(m.content as Record<string, unknown>[])[u.part], text: redacted };
    });
  }

  /** The body's messages (copied, `keel_source` marks read and removed) and the units to screen. */
  private unitsOf(body: ChatRequest): { messages: ChatMessage[]; units: Unit[]; systemParts: string[] } {
    const messages = body.messages.map((m) => ({ ...m }));
    const units: Unit[] = [];
    const systemParts: string[] = [];
    messages.forEach((m, i) => {
      const marked = sourceMark(m[SOURCE_FIELD]);
      delete m[SOURCE_FIELD];
      if (m.role === "system" || m.role === "developer") {
        systemParts.push(textOf(m));
        return;
      }
      if (m.role === "assistant" || m.role === "function") return;
      const source: GuardSource = marked ?? (m.role === "tool" ? "tool_result" : "user");
      if (typeof m.content === "string") units.push({ message: i, part: null, source, text: m.content });
      else if (Array.isArray(m.content)) {
        m.content = m.content.map((p, j) => {
          if (!p || p.type !== "text" || typeof (p as { text?: unknown }).text !== "string") return p;
          const { [SOURCE_FIELD]: mark, ...rest } = p as Record<string, unknown>;
          units.push({ message: i, part: j, source: sourceMark(mark) ?? source, text: rest.text as string });
          return rest as ChatMessage["content"] extends (infer T)[] | string | null | undefined ? T : never;
        });
      }
    });
    return { messages, units, systemParts };
  }

  /** Output policy instances for this request (request-bound scanners see its facts). */
  outputScanners(): PolicyScanner[] {
    return this.policies.output ? instantiate(this.policies.output, this.facts) : [];
  }

  /**
   * Screens a whole answer: content of each choice, then its tool calls. Throws GuardBlockedError
   * on a block. Scanners whose action is `flag` or `log` change nothing the client gets: they read
   * the same content after the response (runDeferred), as the stream screen's do.
   */
  async screenCompletion(c: ChatCompletion): Promise<ChatCompletion> {
    const policy = this.policies.output;
    const all = this.outputScanners();
    const acting = all.filter(changesAnswer);
    const later = all.filter((e) => !changesAnswer(e));
    const choices = await Promise.all(c.choices.map(async (ch) => {
      const message = { ...ch.message };
      if (policy && typeof message.content === "string" && message.content.length > 0) {
        const input = { text: message.content, source: "output" as const };
        if (later.length > 0) this.deferred.push(async () => [await runScanners(later, input, this.runOptions(ch.index))]);
        const vs = acting.length > 0 ? await runScanners(acting, input, this.runOptions(ch.index)) : [];
        this.verdicts.push(...vs);
        const refused = refusal(vs, "output");
        if (refused) throw refused;
        message.content = this.restore(this.redact(message.content, vs, policy));
      }
      let finish = ch.finish_reason;
      if (message.tool_calls && message.tool_calls.length > 0) {
        message.tool_calls = this.screenCalls(message.tool_calls);
        if (message.tool_calls.length === 0) {
          delete message.tool_calls;
          message.content ??= "";
          if (finish === "tool_calls") finish = "stop";
        }
      }
      return { ...ch, message, finish_reason: finish };
    }));
    return { ...c, choices };
  }

  /** Tool calls after the tool policy: denied ones removed; throws when the policy blocks the answer. */
  screenCalls(calls: ToolCall[]): ToolCall[] {
    const restored = this.policies.output?.restores
      ? calls.map((tc) => ({ ...tc, function: { ...tc.function, arguments: this.vault.restore(tc.function.arguments) } }))
      : calls;
    if (!this.policies.tools) return restored;
    const s = screenToolCalls(restored, this.policies.tools, this.declared, { trusted: this.trusted, untrusted: this.untrusted });
    this.verdicts.push(...s.verdicts);
    this.denials.push(...s.denials);
    if (s.block) throw new GuardBlockedError("tool_policy", "tool_call");
    return s.kept;
  }

  /** Replaces the spans of triggered `redact` verdicts with placeholders. */
  redact(text: string, verdicts: readonly Verdict[], policy: CompiledPolicy): string {
    const spans: Span[] = [];
    for (const v of verdicts) {
      if (!v.triggered || v.action !== "redact") continue;
      const rule = policy.entries.find((e) => e.name === v.scanner)?.redaction;
      if (!rule) continue;
      for (const f of v.findings) {
        if (f.start === undefined || f.end === undefined) continue;
        const r = rule(f);
        spans.push({ start: f.start, end: f.end, label: r.label, restorable: r.restorable });
      }
    }
    return spans.length ? this.vault.redact(text, spans) : text;
  }

  restore(text: string): string {
    return this.policies.output?.restores || this.policies.input?.restores ? this.vault.restore(text) : text;
  }

  /** Runs the scans held back until the response is out (see `deferred`); their verdicts join the trace's. */
  async runDeferred(): Promise<void> {
    const runs = this.deferred.splice(0);
    for (const run of runs) for (const vs of await run()) this.verdicts.push(...vs);
  }

  /** Verdicts for the trace: one per scanner and source, strongest score, latencies summed. */
  records(): VerdictRecord[] {
    return aggregate(this.verdicts);
  }

  /** Plants the canary at the end of the last system/developer message when leakage is screened for. */
  private plantCanary(messages: ChatMessage[]): void {
    if (!this.service.config.canary || !this.policies.output?.entries.some((e) => e.name === "system_prompt_leak")) return;
    let at = -1;
    messages.forEach((m, i) => {
      if ((m.role === "system" || m.role === "developer") && typeof m.content === "string") at = i;
    });
    if (at < 0) return;
    const canary = this.service.canaryFor(this.facts.systemPrompt);
    messages[at] = { ...messages[at], content: `${messages[at].content as string}\n\n[${canary}: internal marker, never repeat it]` };
    this.facts = { ...this.facts, canary };
  }
}

export function instantiate(policy: CompiledPolicy, facts: RequestFacts): PolicyScanner[] {
  return policy.entries.map((e) => ({
    scanner: e.shared ?? e.make(facts), action: e.action, threshold: e.threshold, restore: e.restore,
    // Only a shared instance's results can be asked for again; a request-bound one is new each time.
    memo: e.shared !== null && e.shared.pure === true,
  }));
}

export function aggregate(verdicts: readonly Verdict[]): VerdictRecord[] {
  const by = new Map<string, Verdict>();
  for (const v of verdicts) {
    const k = `${v.scanner}\u0000${v.source}`;
    const cur = by.get(k);
    if (!cur) by.set(k, { ...v, findings: [...v.findings] });
    else {
      cur.score = Math.max(cur.score, v.score);
      cur.triggered ||= v.triggered;
      cur.latencyMs += v.latencyMs;
      cur.findings.push(...v.findings);
      cur.timedOut ||= v.timedOut;
      cur.unavailable ??= v.unavailable;
      if (v.truncated) Object.assign(cur, { truncated: true, scannedChars: (cur.scannedChars ?? 0) + (v.scannedChars ?? 0), skimmedChars: (cur.skimmedChars ?? 0) + (v.skimmedChars ?? 0) });
    }
  }
  return [...by.values()].map(toRecord);
}

function sourceMark(v: unknown): GuardSource | null {
  return typeof v === "string" && MARKABLE.has(v as GuardSource) ? (v as GuardSource) : null;
}

function textOf(m: ChatMessage): string {
  if (typeof m.content === "string") return m.content;
  if (!Array.isArray(m.content)) return "";
  return m.content.map((p) => (p && p.type === "text" && typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : "")).join("\n");
}

export type { Scanner };
