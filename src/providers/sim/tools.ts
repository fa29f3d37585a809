import type { ChatRequest, FunctionTool } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type { Rng } from "../../random/rng.js";

/**
 * Which tool, if any, the simulated model calls. `required` and a named function always call;
 * `auto` (the default when tools are given) calls a tool only when the last user message names
 * it, as "get_weather", "get weather" or "getWeather"; `none` never calls.
 */
export function chooseTool(req: Pick<ChatRequest, "tools" | "tool_choice">, lastUser: string): FunctionTool | null {
  const tools = req.tools ?? [];
  const choice = req.tool_choice ?? "auto";
  if (tools.length === 0) {
    if (choice === "none" || choice === "auto") return null;
    throw new KeelError("invalid_request", "tool_choice is only allowed when tools are specified.", { param: "tool_choice" });
  }
  if (choice === "none") return null;
  if (typeof choice === "object") {
    const named = tools.find((t) => t.function.name === choice.function?.name);
    if (!named) throw new KeelError("invalid_request", `tool_choice names "${choice.function?.name}", which is not in tools.`, { param: "tool_choice" });
    return named;
  }
  const mentioned = mentionedTool(tools, lastUser);
  return mentioned ?? (choice === "required" ? tools[0] : null);
}

function mentionedTool(tools: readonly FunctionTool[], text: string): FunctionTool | null {
  if (text.length === 0) return null;
  const lower = text.toLowerCase();
  for (const t of tools) {
    const name = t.function.name;
    if (lower.includes(name.toLowerCase())) return t;
    const spoken = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_\-.]+/g, " ").toLowerCase();
    if (lower.includes(spoken)) return t;
  }
  return null;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `call_` and 24 characters, like OpenAI's; drawn from the answer's RNG so equal requests get equal ids. */
export function toolCallId(rng: Rng): string {
  let id = "call_";
  for (let i = 0; i < 24; i++) id += ALPHABET[rng.int(62)];
  return id;
}
