import type { ChatChunk, ChunkChoice, ToolCall } from "../../api/chat-types.js";
import { changesAnswer, type PolicyScanner } from "../engine/run-scanners.js";
import type { Verdict } from "../engine/verdict.js";
import { GuardBlockedError, type RequestGuard } from "../request-guard.js";
import type { ScanResult } from "../types.js";

/** Scanners that judge a whole answer only (not a window of it). */
const WHOLE_ANSWER = new Set(["json_schema", "citations"]);
const PLACEHOLDER_TAIL = /\[[A-Z0-9_]{0,40}$/;

interface ChoiceState {
  /** The last `window` characters sent or about to be sent. */
  window: string;
  /** Total characters of content seen. */
  seen: number;
  /** Whole content, kept only when a whole-answer scanner needs it. */
  full: string;
  /** Text held back because it may be the start of a placeholder to restore. */
  held: string;
  calls: ToolCall[];
  /** Scanners already triggered on this choice (span-less findings fire once). */
  fired: Set<string>;
}

/**
 * Output screening of a stream, chunk by chunk, in the same tick the chunk arrives: each content
 * delta is appended to a sliding window (the last `stream_window_chars` characters) and the
 * fast scanners whose action can change the stream (block, redact) run over the window before
 * the chunk is written; flag and log scanners run once on the whole answer after the stream. A chunk that passes goes out
 * unchanged and at once; a `block` finding in the new text throws GuardBlockedError (the gateway
 * ends the stream with an error event); a `redact` finding is masked in the part not yet sent.
 *
 * Held back, on purpose: tool-call fragments when a tool policy applies (screened whole at the
 * choice's finish), and a possible placeholder prefix ("[EMA") when the vault restores values.
 * Known limit: a finding whose first characters were sent in an earlier chunk leaks those
 * characters (at most one chunk); whole-answer checks (JSON validity) can only end the stream.
 */
export class StreamScreen {
  /** Scanners that can change what the client gets (block, redact): run on every chunk. */
  private readonly entries: PolicyScanner[];
  /** Whole-answer checks that may block: run once the answer is complete, before [DONE]. */
  private readonly whole: PolicyScanner[];
  /** flag and log change nothing the client sees: run once on the whole answer after the stream has ended. */
  private readonly deferred: PolicyScanner[];
  private readonly choices = new Map<number, ChoiceState>();
  private readonly stats = new Map<string, Verdict>();
  private readonly windowChars: number;
  private readonly holdCalls: boolean;
  private readonly restoring: boolean;

  constructor(private readonly guard: RequestGuard) {
    const all = guard.outputScanners();
    this.entries = all.filter((e) => changesAnswer(e) && !WHOLE_ANSWER.has(e.scanner.name));
    this.whole = all.filter((e) => changesAnswer(e) && WHOLE_ANSWER.has(e.scanner.name));
    this.deferred = all.filter((e) => !changesAnswer(e));
    this.windowChars = guard.service.config.stream_window_chars;
    this.holdCalls = guard.policies.tools !== null || Boolean(guard.policies.output?.restores);
    this.restoring = Boolean(guard.policies.output?.restores || guard.policies.input?.restores) && guard.vault.size > 0;
  }

  /** True when there is nothing to screen: the gateway then skips the screen entirely. */
  get idle(): boolean {
    return this.entries.length === 0 && this.whole.length === 0 && this.deferred.length === 0 && !this.holdCalls && !this.restoring;
  }

  /** The chunk to send (possibly changed), or null when everything in it is held back. */
  push(chunk: ChatChunk): ChatChunk | null {
    if (chunk.choices.length === 0) return chunk;
    let changed = false;
    const choices: ChunkChoice[] = [];
    for (const c of chunk.choices) {
      const st = this.state(c.index);
      let delta = c.delta;
      if (typeof delta.content === "string" && delta.content.length > 0) {
        const content = this.screenText(st, c.index, delta.content);
        if (content !== delta.content) {
          delta = { ...delta, content };
          changed = true;
        }
      }
      if (this.holdCalls && delta.tool_calls) {
        for (const d of delta.tool_calls) {
          const tc = (st.calls[d.index] ??= { id: "", type: "function", function: { name: "", arguments: "" } });
          if (d.id) tc.id = d.id;
          if (d.function?.name) tc.function.name += d.function.name;
          if (d.function?.arguments) tc.function.arguments += d.function.arguments;
        }
        const { tool_calls: _held, ...rest } = delta;
        delta = rest;
        changed = true;
      }
      let finish = c.finish_reason;
      if (finish) {
        const tail = this.flushHeld(st);
        const calls = this.releaseCalls(st);
        if (tail || calls) {
          delta = { ...delta, ...(tail ? { content: (delta.content ?? "") + tail } : {}), ...(calls && calls.length ? { tool_calls: calls.map((tc, index) => ({ index, ...tc })) } : {}) };
          changed = true;
        }
        if (calls && calls.length === 0 && finish === "tool_calls") {
          finish = "stop";
          changed = true;
        }
      }
      const empty = delta.content === "" && !delta.tool_calls && !delta.role && !finish;
      if (changed && empty && c.delta.content !== "") continue;
      choices.push(changed ? { ...c, delta, finish_reason: finish } : c);
    }
    if (!changed) return chunk;
    return choices.length === 0 ? null : { ...chunk, choices };
  }

  /** At the end of the stream: whole-answer checks, and the verdicts for the trace. Throws on a block. */
  finish(): void {
    for (const [index, st] of this.choices) {
      for (const e of this.whole) {
        const r = e.scanner.scan({ text: st.full, source: "output" });
        if (r instanceof Promise) continue;
        const v = this.note(e, r, index, 0);
        if (v.triggered && e.action === "block") throw new GuardBlockedError(e.scanner.name, "output");
      }
    }
  }

  /**
   * Verdicts gathered over the stream: one per scanner (strongest score, summed latency). Runs the
   * deferred flag/log scanners on the whole answer first, so call it after the stream has ended.
   */
  verdicts(): Verdict[] {
    for (const [index, st] of this.choices) {
      for (const e of this.deferred) {
        const t0 = performance.now();
        const r = e.scanner.scan({ text: st.full, source: "output" });
        if (!(r instanceof Promise)) this.note(e, { ...r, triggered: e.threshold === undefined ? r.triggered : r.score >= e.threshold }, index, performance.now() - t0);
      }
    }
    return [...this.stats.values()];
  }

  private state(index: number): ChoiceState {
    let st = this.choices.get(index);
    if (!st) this.choices.set(index, (st = { window: "", seen: 0, full: "", held: "", calls: [], fired: new Set() }));
    return st;
  }

  private screenText(st: ChoiceState, index: number, text: string): string {
    if (this.whole.length > 0 || this.deferred.length > 0) st.full += text;
    const base = st.window.length;
    st.window += text;
    st.seen += text.length;
    let out = text;
    const masks: { start: number; end: number; label: string }[] = [];
    for (const e of this.entries) {
      const t0 = performance.now();
      const r = e.scanner.scan({ text: st.window, source: "output" });
      if (r instanceof Promise) continue; // heavy async scanners do not run on streams
      const triggered = e.threshold === undefined ? r.triggered : r.score >= e.threshold;
      // Only findings that reach into the new text count: older ones were judged with their own chunk.
      const fresh = r.findings.filter((f) => (f.end === undefined ? !st.fired.has(e.scanner.name) : f.end > base));
      const hit = triggered && fresh.length > 0;
      this.note(e, { ...r, triggered: hit, findings: fresh }, index, performance.now() - t0);
      if (!hit) continue;
      st.fired.add(e.scanner.name);
      if (e.action === "block") throw new GuardBlockedError(e.scanner.name, "output");
      if (e.action === "redact") {
        const rule = this.guard.policies.output?.entries.find((x) => x.name === e.scanner.name)?.redaction;
        for (const f of fresh) if (rule && f.start !== undefined && f.end !== undefined) masks.push({ start: Math.max(f.start, base) - base, end: f.end - base, label: rule(f).label });
      }
    }
    if (masks.length > 0) {
      masks.sort((a, b) => b.start - a.start);
      for (const m of masks) out = out.slice(0, m.start) + (m.label ? `[${m.label}]` : "") + out.slice(m.end);
    }
    if (st.window.length > this.windowChars) st.window = st.window.slice(st.window.length - this.windowChars);
    return this.restoring ? this.restoreStreaming(st, out) : out;
  }

  /** Restores placeholders, holding back a trailing "[LABEL_" that may be completed by the next chunk. */
  private restoreStreaming(st: ChoiceState, text: string): string {
    const joined = st.held + text;
    const m = PLACEHOLDER_TAIL.exec(joined);
    st.held = m ? m[0] : "";
    return this.guard.restore(m ? joined.slice(0, m.index) : joined);
  }

  private flushHeld(st: ChoiceState): string {
    const h = st.held;
    st.held = "";
    return h ? this.guard.restore(h) : "";
  }

  private releaseCalls(st: ChoiceState): ToolCall[] | null {
    if (!this.holdCalls || st.calls.length === 0) return null;
    const calls = st.calls.filter(Boolean);
    st.calls = [];
    return this.guard.screenCalls(calls);
  }

  private note(e: PolicyScanner, r: ScanResult, index: number, latencyMs: number): Verdict {
    const name = e.scanner.name;
    const triggered = r.triggered;
    const cur = this.stats.get(name);
    const v: Verdict = { scanner: name, source: "output", index, score: r.score, triggered, action: e.action, latencyMs, findings: triggered ? r.findings : [] };
    if (!cur) this.stats.set(name, v);
    else {
      cur.score = Math.max(cur.score, r.score);
      cur.triggered ||= triggered;
      cur.latencyMs += latencyMs;
      if (triggered) cur.findings.push(...r.findings);
    }
    return v;
  }
}
