import type { SnapshotMessage } from "./types.js";

/**
 * The four training-file row shapes, exactly as their documentation gives them (field names,
 * nesting, roles; `training-formats.test.ts` compares with the published examples):
 * - SFT: OpenAI chat fine-tuning, `{"messages": [...]}` ending with the assistant's answer.
 * - DPO: TRL's conversational preference type, `{"prompt": [...], "chosen": [assistant], "rejected": [assistant]}`.
 * - OpenAI preference fine-tuning: `{"input": {"messages": [...]}, "preferred_output": [assistant], "non_preferred_output": [assistant]}`.
 * - KTO: TRL's conversational unpaired preference type, `{"prompt": [...], "completion": [assistant], "label": bool}`.
 * No extra field is added to a row: provenance goes in a line-aligned side file.
 */
export interface ChatTurn {
  role: SnapshotMessage["role"];
  content: string;
}

export type SftRow = { messages: ChatTurn[] };
export type DpoRow = { prompt: ChatTurn[]; chosen: ChatTurn[]; rejected: ChatTurn[] };
export type OpenAiDpoRow = { input: { messages: ChatTurn[] }; preferred_output: ChatTurn[]; non_preferred_output: ChatTurn[] };
export type KtoRow = { prompt: ChatTurn[]; completion: ChatTurn[]; label: boolean };

const turns = (m: readonly SnapshotMessage[]): ChatTurn[] => m.map((x) => ({ role: x.role, content: x.content }));
const assistant = (content: string): ChatTurn[] => [{ role: "assistant", content }];

export function sftRow(prompt: readonly SnapshotMessage[], answer: string): SftRow {
  return { messages: [...turns(prompt), ...assistant(answer)] };
}

export function dpoRow(prompt: readonly SnapshotMessage[], chosen: string, rejected: string): DpoRow {
  return { prompt: turns(prompt), chosen: assistant(chosen), rejected: assistant(rejected) };
}

export function openAiDpoRow(prompt: readonly SnapshotMessage[], preferred: string, nonPreferred: string): OpenAiDpoRow {
  return { input: { messages: turns(prompt) }, preferred_output: assistant(preferred), non_preferred_output: assistant(nonPreferred) };
}

export function ktoRow(prompt: readonly SnapshotMessage[], answer: string, good: boolean): KtoRow {
  return { prompt: turns(prompt), completion: assistant(answer), label: good };
}
