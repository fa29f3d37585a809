import { createHash } from "node:crypto";
import type { ChatMessage } from "../api/chat-types.js";
import { canonicalJson } from "../audit/canonical-json.js";
import { KeelError } from "../errors/errors.js";
import { templatesOf } from "./prompt-content.js";
import { type IncludeRef, type Segment, TemplateError, formatSegments, parseTemplate, renderSegments } from "./template.js";
import type { PromptConfig, PromptRole, PromptType, PromptVersion } from "./types.js";

/** A version ready to serve: includes inlined, adjacent text merged, variables listed, ETag computed. */
export interface CompiledPrompt {
  readonly name: string;
  readonly version: number;
  readonly type: PromptType;
  readonly parts: readonly { readonly role: PromptRole; readonly segments: readonly Segment[] }[];
  /** Every variable the prompt reads, sorted. */
  readonly variables: readonly string[];
  /** The versions its includes resolved to, in order of first use. */
  readonly includes: readonly { name: string; version: number }[];
  readonly config: Readonly<PromptConfig>;
  /** What `GET /api/v1/prompts/:name` returns, and its strong ETag. */
  readonly view: Readonly<Record<string, unknown>>;
  readonly etag: string;
}

/** Finds the version an include points at, or says why there is none. */
export type IncludeResolver = (name: string, ref: IncludeRef) => PromptVersion | string;

const MAX_DEPTH = 16;

/** Throws TemplateError for a parse error, a missing include, a chat prompt included, or a cycle. */
export function compilePrompt(v: PromptVersion, resolve: IncludeResolver): CompiledPrompt {
  const includes = new Map<string, { name: string; version: number }>();
  const expand = (pv: PromptVersion, text: string, stack: string[]): Segment[] => {
    const out: Segment[] = [];
    for (const seg of parseTemplate(text)) {
      if (seg.kind !== "include") {
        out.push(seg);
        continue;
      }
      const target = resolve(seg.name, seg.ref);
      if (typeof target === "string") throw new TemplateError(`${pv.name}@${pv.version}: include '${seg.raw}': ${target}`);
      const id = `${target.name}@${target.version}`;
      if (stack.includes(id)) throw new TemplateError(`include cycle: ${[...stack, id].join(" → ")}`);
      if (stack.length >= MAX_DEPTH) throw new TemplateError(`includes nested deeper than ${MAX_DEPTH}: ${stack.join(" → ")}`);
      if (target.content.type !== "text") throw new TemplateError(`${pv.name}@${pv.version}: include '${seg.raw}' is a chat prompt; only text prompts can be included`);
      if (!includes.has(id)) includes.set(id, { name: target.name, version: target.version });
      out.push(...expand(target, target.content.text, [...stack, id]));
    }
    return out;
  };
  const root = [`${v.name}@${v.version}`];
  const roles: PromptRole[] = v.content.type === "text" ? ["user"] : v.content.messages.map((m) => m.role);
  const parts = templatesOf(v.content).map((t, i) => ({ role: roles[i], segments: merge(expand(v, t, root)) }));
  const variables = [...new Set(parts.flatMap((p) => p.segments.flatMap((s) => (s.kind === "var" ? [s.name] : []))))].sort();
  const { type: _t, ...rest } = v.content;
  const config: PromptConfig = {};
  for (const k of ["model", "params", "tools", "response_format"] as const) if (rest[k] !== undefined) (config as Record<string, unknown>)[k] = rest[k];
  const view: Record<string, unknown> = {
    name: v.name,
    version: v.version,
    type: v.content.type,
    ...(v.content.type === "text" ? { text: formatSegments(parts[0].segments) } : { messages: parts.map((p) => ({ role: p.role, content: formatSegments(p.segments) })) }),
    ...config,
    variables,
    includes: [...includes.values()],
    hash: v.hash,
  };
  const etag = `"${createHash("sha256").update(canonicalJson(view)).digest("base64url").slice(0, 32)}"`;
  return Object.freeze({ name: v.name, version: v.version, type: v.content.type, parts, variables, includes: [...includes.values()], config, view, etag });
}

function merge(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (s.kind === "text" && last?.kind === "text") out[out.length - 1] = { kind: "text", text: last.text + s.text };
    else out.push(s);
  }
  return out;
}

/**
 * Renders strictly: every missing variable is named in one 400 (`param` is the first). Extra
 * variables are ignored, so an app can send what both versions of a rollout need.
 */
export function renderPrompt(c: CompiledPrompt, vars: Readonly<Record<string, unknown>>): ChatMessage[] {
  const missing = new Set<string>();
  const messages: ChatMessage[] = c.parts.map((p) => ({ role: p.role, content: renderSegments(p.segments, vars, missing) }));
  if (missing.size > 0) {
    const names = [...missing];
    const list = names.map((n) => `'${n}'`).join(", ");
    throw new KeelError("invalid_request", `Missing prompt variable${names.length > 1 ? "s" : ""} ${list} for prompt '${c.name}' (version ${c.version}).`, {
      param: `prompt.variables.${names[0]}`,
    });
  }
  return messages;
}
