/**
 * Readers of model-based detectors' answers, pure and strict: anything that is not exactly one of
 * the documented shapes is `null` (malformed), never a guess — a guard that reads "probably safe"
 * into garbage fails open without saying so. The scanner (model-classifier-scanner.ts) turns
 * `null` into an `unavailable: "malformed"` result, which its policy's `on_error` decides.
 */

/** One class the detector reported, with its probability (1 for a chat model's categorical answer). */
export interface ModelLabel {
  label: string;
  score: number;
}

/** What a detector said about one text: whether it called it an attack, and the classes it named. */
export interface ModelVerdict {
  unsafe: boolean;
  /** Probability of the attack class (a classifier's summed attack probabilities; 1 or 0 for a categorical answer). */
  score: number;
  labels: ModelLabel[];
}

const CATEGORY = /^S\d{1,2}$/;

/**
 * Llama Guard 3's output: `safe`, or `unsafe` and on the next line the violated categories,
 * comma-separated (`S1,S10`). Surrounding whitespace is the chat template's and is ignored.
 */
export function parseLlamaGuard(text: string): ModelVerdict | null {
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const head = lines[0]?.toLowerCase();
  if (head === "safe" && lines.length === 1) return { unsafe: false, score: 0, labels: [] };
  if (head !== "unsafe" || lines.length > 2) return null;
  if (lines.length === 1) return { unsafe: true, score: 1, labels: [] };
  const cats = lines[1].split(",").map((c) => c.trim().toUpperCase());
  if (cats.length > 14 || !cats.every((c) => CATEGORY.test(c))) return null;
  return { unsafe: true, score: 1, labels: [...new Set(cats)].map((label) => ({ label, score: 1 })) };
}

const ATTACK_WORDS = new Set(["injection", "unsafe", "malicious", "jailbreak"]);
const BENIGN_WORDS = new Set(["benign", "safe"]);

/**
 * A generic classification prompt's answer: one word (`injection` / `benign`), or a JSON object
 * `{"verdict": "injection" | "benign", "score": 0..1}` (score optional; a code fence around it is
 * tolerated, since chat models add one unasked).
 */
export function parseVerdictAnswer(text: string): ModelVerdict | null {
  let t = text.trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(t);
  if (fence) t = fence[1];
  if (t.startsWith("{")) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      return null;
    }
    if (!v || typeof v !== "object" || Array.isArray(v)) return null;
    const { verdict, score } = v as Record<string, unknown>;
    const word = typeof verdict === "string" ? verdict.trim().toLowerCase() : "";
    const unsafe = ATTACK_WORDS.has(word) ? true : BENIGN_WORDS.has(word) ? false : null;
    if (unsafe === null) return null;
    if (score !== undefined && !(typeof score === "number" && score >= 0 && score <= 1)) return null;
    const s = typeof score === "number" ? score : unsafe ? 1 : 0;
    return { unsafe, score: s, labels: unsafe ? [{ label: "injection", score: s }] : [] };
  }
  const word = t.toLowerCase().replace(/[.!]+$/, "");
  if (ATTACK_WORDS.has(word)) return { unsafe: true, score: 1, labels: [{ label: "injection", score: 1 }] };
  if (BENIGN_WORDS.has(word)) return { unsafe: false, score: 0, labels: [] };
  return null;
}

/** How a classifier's labels are read: which are benign, and (vLLM) the names of `probs` in order. */
export interface LabelReading {
  /** Label names in the model's id2label order; absent: index 0 is benign, every other index an attack class. */
  labels?: readonly string[];
  /** Labels that are not attacks (case-insensitive). */
  benign: readonly string[];
}

function fromScores(scores: readonly ModelLabel[], r: LabelReading, threshold: number): ModelVerdict {
  const benign = new Set(r.benign.map((b) => b.toUpperCase()));
  const attacks = scores.filter((s) => !benign.has(s.label.toUpperCase()));
  const score = Math.min(1, attacks.reduce((a, s) => a + s.score, 0));
  return { unsafe: score >= threshold, score, labels: attacks };
}

const isProb = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0 && x <= 1;

/**
 * vLLM's `/classify` answer: `{"data": [{"index": 0, "label": "…", "probs": [p0, p1, …],
 * "num_classes": n}], …}` — probabilities in the model's id2label order, its top label named.
 */
export function parseVllmClassify(body: unknown, r: LabelReading, threshold: number): ModelVerdict | null {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== 1) return null;
  const d = data[0] as { probs?: unknown; label?: unknown };
  if (!Array.isArray(d?.probs) || d.probs.length < 2 || !d.probs.every(isProb)) return null;
  const probs = d.probs as number[];
  if (r.labels) {
    if (r.labels.length !== probs.length) return null;
    return fromScores(probs.map((score, i) => ({ label: r.labels![i], score })), r, threshold);
  }
  // Unnamed classes: index 0 is the benign class (Prompt Guard 1 and 2 both put BENIGN / LABEL_0 first).
  return fromScores(probs.map((score, i) => ({ label: i === 0 ? "BENIGN" : `LABEL_${i}`, score })), { benign: ["BENIGN"] }, threshold);
}

/** TEI's `/predict` answer for one input: `[{"score": 0.99, "label": "INJECTION"}, …]`, every label. */
export function parseTeiPredict(body: unknown, r: LabelReading, threshold: number): ModelVerdict | null {
  const rows = Array.isArray(body) && body.length === 1 && Array.isArray(body[0]) ? (body[0] as unknown[]) : body;
  if (!Array.isArray(rows) || rows.length < 2) return null;
  const scores: ModelLabel[] = [];
  for (const x of rows) {
    const o = x as { label?: unknown; score?: unknown } | null;
    if (!o || typeof o.label !== "string" || o.label.length === 0 || o.label.length > 64 || !isProb(o.score)) return null;
    scores.push({ label: o.label, score: o.score });
  }
  return fromScores(scores, r, threshold);
}
