/**
 * Older instrumentations name GenAI facts differently: OpenLLMetry's `gen_ai.prompt.N.*` /
 * `gen_ai.completion.N.*` and `llm.*`, OpenInference's `llm.*`, and pre-1.30 semconv
 * (`gen_ai.system`, `gen_ai.usage.prompt_tokens`). Pure: ingested attributes → current names.
 * The original keys are kept; current names are only added when absent.
 */
const RENAMES: Readonly<Record<string, string>> = {
  "gen_ai.system": "gen_ai.provider.name",
  "gen_ai.usage.prompt_tokens": "gen_ai.usage.input_tokens",
  "gen_ai.usage.completion_tokens": "gen_ai.usage.output_tokens",
  "llm.system": "gen_ai.provider.name",
  "llm.provider": "gen_ai.provider.name",
  "llm.model_name": "gen_ai.request.model",
  "llm.request.model": "gen_ai.request.model",
  "llm.response.model": "gen_ai.response.model",
  "llm.request.type": "gen_ai.operation.name",
  "llm.token_count.prompt": "gen_ai.usage.input_tokens",
  "llm.token_count.completion": "gen_ai.usage.output_tokens",
  "llm.usage.prompt_tokens": "gen_ai.usage.input_tokens",
  "llm.usage.completion_tokens": "gen_ai.usage.output_tokens",
  "llm.request.temperature": "gen_ai.request.temperature",
  "llm.request.max_tokens": "gen_ai.request.max_tokens",
};

const INDEXED = /^(gen_ai\.prompt|gen_ai\.completion|llm\.input_messages|llm\.output_messages)\.(\d{1,4})\.(?:message\.)?(role|content)$/;

export type AttrValue = string | number | boolean;

export function mapLegacyAttributes(attrs: Record<string, AttrValue>): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = { ...attrs };
  for (const [k, v] of Object.entries(attrs)) {
    const to = RENAMES[k];
    if (to && !(to in attrs)) out[to] = v;
  }
  if (!("gen_ai.input.messages" in attrs) || !("gen_ai.output.messages" in attrs)) {
    const input: { role?: AttrValue; content?: AttrValue }[] = [];
    const output: { role?: AttrValue; content?: AttrValue }[] = [];
    for (const [k, v] of Object.entries(attrs)) {
      const m = INDEXED.exec(k);
      if (!m) continue;
      const list = m[1] === "gen_ai.prompt" || m[1] === "llm.input_messages" ? input : output;
      const i = Number(m[2]);
      (list[i] ??= {})[m[3] as "role" | "content"] = v;
    }
    const parts = (l: typeof input): { role: string; parts: { type: "text"; content: string }[] }[] =>
      l.filter(Boolean).map((x) => ({ role: String(x.role ?? "user"), parts: [{ type: "text", content: String(x.content ?? "") }] }));
    if (input.length && !("gen_ai.input.messages" in attrs)) out["gen_ai.input.messages"] = JSON.stringify(parts(input));
    if (output.length && !("gen_ai.output.messages" in attrs)) out["gen_ai.output.messages"] = JSON.stringify(parts(output));
  }
  return out;
}
