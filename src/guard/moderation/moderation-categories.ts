import type { ScanReport } from "../scan-text.js";

/**
 * OpenAI's moderation categories filled from Keel's guard verdicts (`POST /v1/moderations`,
 * docs/moderations.md has the table). Pure: scan reports in, one moderation result out.
 *
 * - A toxicity finding's category maps to OpenAI's (insult and profanity → harassment, threat →
 *   harassment/threatening and violence, hate, self_harm → self-harm, sexual).
 * - A model classifier's labels map by name (`classifier_hate` → hate, `classifier_self_harm_intent`
 *   → self-harm/intent) and Llama Guard's hazard codes by the taxonomy (S1 → violence, S10 → hate…).
 * - Every other scanner is its own category, `keel/<scanner>` (prompt injection, secrets, PII…):
 *   OpenAI has no name for them and an application checking `flagged` should still see them.
 *
 * A category is true when a verdict mapped to it triggered with an action other than `log`
 * (log-only scanners are recorded, not flagged); its score is the highest mapped score.
 */
export const OPENAI_CATEGORIES = [
  "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
  "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic",
] as const;

const TOXICITY: Record<string, readonly string[]> = {
  insult: ["harassment"],
  profanity: ["harassment"],
  threat: ["harassment/threatening", "violence"],
  hate: ["hate"],
  self_harm: ["self-harm"],
  sexual: ["sexual"],
};

// Llama Guard 3's hazard taxonomy (MLCommons): only the codes with an OpenAI counterpart.
const LLAMA_GUARD: Record<string, readonly string[]> = {
  s1: ["violence"], s2: ["illicit"], s3: ["sexual"], s4: ["sexual/minors"], s9: ["illicit/violent"], s10: ["hate"], s11: ["self-harm"], s12: ["sexual"],
};

const BY_LABEL = new Map<string, string>(OPENAI_CATEGORIES.map((c) => [c.replace(/[^a-z]+/g, "_"), c]));

export interface ModerationResult {
  flagged: boolean;
  categories: Record<string, boolean>;
  category_scores: Record<string, number>;
  category_applied_input_types: Record<string, string[]>;
}

/** Which categories one finding of one scanner stands for. */
export function categoriesOf(scanner: string, findingType: string): readonly string[] {
  if (scanner === "toxicity") return TOXICITY[findingType] ?? ["harassment"];
  if (findingType.startsWith("llama_guard_")) return LLAMA_GUARD[findingType.slice(12).toLowerCase()] ?? [];
  if (findingType.startsWith("classifier_")) {
    const c = BY_LABEL.get(findingType.slice(11));
    return c ? [c] : [];
  }
  return [];
}

/** One input's result from its reports (one per policy it was screened under). */
export function moderationResult(reports: readonly ScanReport[]): ModerationResult {
  const categories: Record<string, boolean> = {};
  const scores: Record<string, number> = {};
  const applied: Record<string, string[]> = {};
  for (const c of OPENAI_CATEGORIES) {
    categories[c] = false;
    scores[c] = 0;
    applied[c] = ["text"];
  }
  const raise = (c: string, score: number, hit: boolean): void => {
    if (!(c in scores)) {
      categories[c] = false;
      scores[c] = 0;
      applied[c] = ["text"];
    }
    if (score > scores[c]) scores[c] = score;
    if (hit) categories[c] = true;
  };
  for (const report of reports) {
    for (const v of report.verdicts) {
      const hit = v.triggered && v.action !== "log";
      let mapped = false;
      for (const f of v.findings) {
        for (const c of categoriesOf(v.scanner, f.type)) {
          mapped = true;
          raise(c, Math.min(1, f.score), hit);
        }
      }
      if (!mapped) raise(`keel/${v.scanner}`, v.score, hit);
    }
  }
  let flagged = false;
  for (const c in categories) if (categories[c]) flagged = true;
  return { flagged, categories, category_scores: scores, category_applied_input_types: applied };
}
