/**
 * The grammar of Anthropic's Messages stream, as a checker for tests
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming):
 *
 *   stream  := message_start  body  (message_delta+ message_stop | error)
 *   body    := (block | ping)*          block := content_block_start delta* content_block_stop
 *   ping and error may appear anywhere after message_start (error ends the stream; so may
 *   error alone, before message_start).
 *
 * Beyond the order, it checks what other gateways got wrong (issue 20): message_start exactly once
 * and with non-zero input usage; tool_use blocks carrying id, name and `input: {}` at the top level
 * of content_block_start; deltas matching their block (text_delta only in text, thinking and
 * signature deltas only in thinking, input_json_delta only in tool_use); block indexes 0, 1, 2…;
 * every tool block's input_json_delta fragments joining into a JSON object; each event's SSE name
 * equal to its data's `type`.
 */

export interface SseEvent {
  event: string;
  data: Record<string, any>;
}

export interface GrammarResult {
  /** Empty when the stream is well formed. */
  violations: string[];
  /** The message the events build (content blocks with their text, thinking, signature and parsed input). */
  message: { id?: string; model?: string; content: Record<string, any>[]; stop_reason: string | null; usage: Record<string, number> } | null;
  /** The in-stream error, if the stream ended with one. */
  error: { type: string; message: string } | null;
}

/** Splits an SSE body into events (blank-line separated; `event:` and `data:` lines). */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const frame of text.split(/\r?\n\r?\n/)) {
    if (frame.trim() === "") continue;
    let event = "";
    const data: string[] = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    out.push({ event, data: JSON.parse(data.join("\n")) });
  }
  return out;
}

const DELTA_FOR: Record<string, readonly string[]> = {
  text: ["text_delta", "citations_delta"],
  thinking: ["thinking_delta", "signature_delta"],
  tool_use: ["input_json_delta"],
  server_tool_use: ["input_json_delta"],
};

export function checkAnthropicStream(events: readonly SseEvent[], opts: { requireInputUsage?: boolean } = {}): GrammarResult {
  const v: string[] = [];
  let message: GrammarResult["message"] = null;
  let error: GrammarResult["error"] = null;
  let open: { index: number; type: string; json: string } | null = null;
  let nextIndex = 0;
  let sawDelta = false;
  let stopped = false;
  events.forEach(({ event, data }, i) => {
    const at = `event ${i} (${event})`;
    if (event !== data?.type) v.push(`${at}: SSE name '${event}' differs from data.type '${data?.type}'`);
    if (stopped || error) {
      v.push(`${at}: after the end of the stream`);
      return;
    }
    if (event === "error") {
      if (typeof data.error?.type !== "string" || typeof data.error?.message !== "string") v.push(`${at}: error without error.type and error.message`);
      error = data.error;
      return;
    }
    if (event === "message_start") {
      if (message) v.push(`${at}: a second message_start`);
      const m = data.message;
      if (m?.type !== "message" || m?.role !== "assistant" || !Array.isArray(m?.content) || m.content.length !== 0) v.push(`${at}: message must be an assistant message with empty content`);
      if (typeof m?.usage?.input_tokens !== "number") v.push(`${at}: usage.input_tokens missing`);
      else if (opts.requireInputUsage && m.usage.input_tokens + (m.usage.cache_read_input_tokens ?? 0) + (m.usage.cache_creation_input_tokens ?? 0) <= 0) v.push(`${at}: message_start carries zero input usage`);
      message = { id: m?.id, model: m?.model, content: [], stop_reason: null, usage: { ...m?.usage } };
      return;
    }
    if (!message) {
      v.push(`${at}: before message_start`);
      return;
    }
    switch (event) {
      case "ping":
        return;
      case "content_block_start": {
        if (open) v.push(`${at}: block ${data.index} starts while block ${open.index} is open`);
        if (sawDelta) v.push(`${at}: a block after message_delta`);
        if (data.index !== nextIndex) v.push(`${at}: index ${data.index}, expected ${nextIndex}`);
        const b = data.content_block ?? {};
        if (b.type === "tool_use") {
          if (typeof b.id !== "string" || b.id === "" || typeof b.name !== "string" || b.name === "") v.push(`${at}: tool_use without top-level id and name`);
          if (b.input === null || typeof b.input !== "object" || Object.keys(b.input).length !== 0) v.push(`${at}: tool_use input must be {} at start`);
        } else if (b.type === "text" && b.text !== "") v.push(`${at}: text block must start empty`);
        else if (b.type === "thinking" && b.thinking !== "") v.push(`${at}: thinking block must start empty`);
        open = { index: data.index, type: b.type, json: "" };
        nextIndex = data.index + 1;
        message.content.push({ ...b });
        return;
      }
      case "content_block_delta": {
        if (!open || data.index !== open.index) {
          v.push(`${at}: delta for block ${data.index}, which is not open`);
          return;
        }
        const d = data.delta ?? {};
        const allowed = DELTA_FOR[open.type];
        if (allowed && !allowed.includes(d.type)) v.push(`${at}: ${d.type} inside a ${open.type} block`);
        const block = message.content[message.content.length - 1];
        if (d.type === "text_delta") block.text = (block.text ?? "") + d.text;
        else if (d.type === "thinking_delta") block.thinking = (block.thinking ?? "") + d.thinking;
        else if (d.type === "signature_delta") block.signature = (block.signature ?? "") + d.signature;
        else if (d.type === "input_json_delta") open.json += d.partial_json;
        return;
      }
      case "content_block_stop": {
        if (!open || data.index !== open.index) {
          v.push(`${at}: stop for block ${data.index}, which is not open`);
          return;
        }
        if (open.type === "tool_use") {
          const block = message.content[message.content.length - 1];
          try {
            const input = open.json === "" ? {} : JSON.parse(open.json);
            if (input === null || typeof input !== "object" || Array.isArray(input)) v.push(`${at}: tool input is not a JSON object`);
            block.input = input;
          } catch {
            v.push(`${at}: tool input fragments do not join into JSON: ${open.json.slice(0, 80)}`);
          }
        }
        open = null;
        return;
      }
      case "message_delta":
        if (open) v.push(`${at}: message_delta while block ${open.index} is open`);
        if (data.delta?.stop_reason !== undefined) message.stop_reason = data.delta.stop_reason;
        if (typeof data.usage?.output_tokens !== "number") v.push(`${at}: usage.output_tokens missing`);
        for (const k in data.usage ?? {}) if (typeof data.usage[k] === "number") message.usage[k] = data.usage[k];
        sawDelta = true;
        return;
      case "message_stop":
        if (!sawDelta) v.push(`${at}: message_stop without message_delta`);
        if (message.stop_reason === null) v.push(`${at}: stream ended without a stop_reason`);
        stopped = true;
        return;
      default:
        // Anthropic's versioning policy: new event types may appear; clients ignore them.
        return;
    }
  });
  if (!stopped && !error) v.push("the stream ended without message_stop or error");
  return { violations: v, message, error };
}
