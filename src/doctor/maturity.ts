/**
 * Where a deployment stands on the LLMOps maturity levels, judged from its own data:
 * 0 ad hoc, 1 instrumented, 2 managed, 3 optimized, 4 adaptive. Each level is a list of criteria
 * over the evidence of a window; a deployment is at the highest level whose criteria, and every
 * lower level's, all pass. Pure: the evidence is gathered elsewhere (cli/doctor.ts, over the
 * admin API), so the rules are tested without a server.
 */

export interface ModelEvidence {
  model: string;
  requests: number;
  /** ms of the last upstream fingerprint or version change seen, or null. */
  lastFingerprintChange: number | null;
  /** A drift-canary run covered this model in the window. */
  canary: boolean;
}

export interface Evidence {
  windowDays: number;
  requests: number;
  costUsd: number;
  /** Shares of the window's calls: with a prompt version, with a feature, with a user. */
  promptVersionShare: number;
  featureShare: number;
  userShare: number;
  /** Share of calls that read provider- or engine-cached prompt tokens. */
  cacheHitShare: number;
  evalRuns: number;
  /** Eval runs with thresholds (a gate) among the recent ones. */
  gatedEvalRuns: number;
  onlineRules: number;
  /** Online scores written in the last 24 h. */
  onlineScores24h: number;
  alertRules: number;
  alertRulesWithOwner: number;
  /** Rules firing now that nobody has acknowledged. */
  firingUnacked: number;
  /** Upstream targets configured (more than one makes routing and failover possible). */
  targets: number;
  /** Staged rollouts started or promoted in the window (audit log). */
  rollouts: number;
  /** Calls screened by the guard, and blocks by it, in the window. */
  guardScreened: number;
  guardBlocks: number;
  /** Guard false-positive reviews resolved (confirmed or rejected) in the last 30 days. */
  guardFprMeasured: boolean;
  auditOk: boolean;
  auditChecked: number;
  models: ModelEvidence[];
}

export type CriterionStatus = "pass" | "fail";

export interface Criterion {
  level: 1 | 2 | 3 | 4;
  id: string;
  title: string;
  status: CriterionStatus;
  evidence: string;
  /** What to do when it fails. */
  step: string;
}

export interface MaturityReport {
  level: 0 | 1 | 2 | 3 | 4;
  criteria: Criterion[];
  /** The first three failing criteria above the current level, lowest level first. */
  nextSteps: { level: number; id: string; step: string }[];
  supplyChain: { model: string; share: number; lastFingerprintChange: string | null; canary: boolean }[];
  modelsWithoutCanary: string[];
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

type Rule = Omit<Criterion, "status" | "evidence"> & { test(e: Evidence): [boolean, string] };

/** Thresholds are stated in the rule text and docs/doctor.md. */
const RULES: readonly Rule[] = [
  { level: 1, id: "traffic_traced", title: "calls are traced", step: "Send traffic through Keel (every call is traced with model, tokens and cost).", test: (e) => [e.requests > 0, `${e.requests} calls in ${e.windowDays} d`] },
  { level: 1, id: "cost_known", title: "token cost is recorded", step: "Set prices for your models (docs/traces.md) so cost is known per call.", test: (e) => [e.costUsd > 0, `$${e.costUsd.toFixed(4)} recorded`] },
  { level: 1, id: "some_evals", title: "simple evals exist", step: "Run an offline eval on a dataset: keel eval run (docs/evals.md).", test: (e) => [e.evalRuns > 0 || e.onlineScores24h > 0, `${e.evalRuns} eval runs, ${e.onlineScores24h} online scores in 24 h`] },
  { level: 2, id: "prompt_registry", title: "≥ 80% of traffic carries a prompt version", step: "Serve prompts from the registry (prompt: {name, label}) instead of hard-coded strings.", test: (e) => [e.promptVersionShare >= 0.8, pct(e.promptVersionShare)] },
  { level: 2, id: "online_evals", title: "online eval rules active and scored in the last 24 h", step: "Add an online eval rule (POST /api/v1/evals/online-rules) that samples live traffic.", test: (e) => [e.onlineRules > 0 && e.onlineScores24h > 0, `${e.onlineRules} rules, ${e.onlineScores24h} scores in 24 h`] },
  { level: 2, id: "alerts_owned", title: "alert rules exist, each with an owner, none firing unacknowledged", step: "Define alert rules with owners (docs/alerts.md) and acknowledge what fires.", test: (e) => [e.alertRules > 0 && e.alertRulesWithOwner === e.alertRules && e.firingUnacked === 0, `${e.alertRules} rules, ${e.alertRulesWithOwner} owned, ${e.firingUnacked} firing unacknowledged`] },
  { level: 3, id: "routing_failover", title: "more than one upstream target (routing, failover)", step: "Give a route a second target or a fallback (docs/routing.md).", test: (e) => [e.targets > 1, `${e.targets} targets`] },
  { level: 3, id: "staged_rollouts", title: "prompt changes go out as staged rollouts", step: "Ship the next prompt version as a canary rollout: keel prompts rollout (docs/prompts.md).", test: (e) => [e.rollouts > 0, `${e.rollouts} rollouts in ${e.windowDays} d`] },
  { level: 3, id: "cost_attribution", title: "≥ 80% of calls attributed to a feature", step: "Send x-keel-feature (or metadata.feature) with each call, or set it on the key.", test: (e) => [e.featureShare >= 0.8, `${pct(e.featureShare)} with a feature, ${pct(e.userShare)} with a user`] },
  { level: 3, id: "prefix_caching", title: "prompt caching in use (cached prompt tokens read)", step: "Put stable content first in prompts and enable provider or engine prefix caching.", test: (e) => [e.cacheHitShare > 0, `${pct(e.cacheHitShare)} of calls read cached tokens`] },
  { level: 4, id: "eval_gates", title: "evaluation gates releases (runs with thresholds)", step: "Add thresholds to an eval run and call keel eval gate in CI (docs/evals.md).", test: (e) => [e.gatedEvalRuns > 0, `${e.gatedEvalRuns} gated of ${e.evalRuns} recent runs`] },
  { level: 4, id: "runtime_safety", title: "guard policies screen traffic and enforce (block)", step: "Set a guard policy that blocks on injection for user-facing routes (docs/guardrails.md).", test: (e) => [e.guardScreened > 0 && e.guardBlocks > 0, `${e.guardScreened} screened, ${e.guardBlocks} blocked`] },
  { level: 4, id: "guard_fpr_measured", title: "guard false-positive rate measured this month", step: "Work through the guard review list (keel guard reviews), then keel guard calibrate (docs/guardrails.md).", test: (e) => [e.guardFprMeasured, e.guardFprMeasured ? "false-positive reviews resolved in 30 d" : "no false-positive review resolved in 30 d"] },
  { level: 4, id: "audit_trail", title: "the audit chain verifies", step: "Investigate keel audit verify: a row was changed or deleted.", test: (e) => [e.auditOk && e.auditChecked > 0, `${e.auditChecked} entries checked, ${e.auditOk ? "intact" : "broken"}`] },
];

export function assess(e: Evidence): MaturityReport {
  const criteria: Criterion[] = RULES.map((r) => {
    const [ok, evidence] = r.test(e);
    return { level: r.level, id: r.id, title: r.title, status: ok ? "pass" : "fail", evidence, step: r.step };
  });
  let level: MaturityReport["level"] = 0;
  for (const l of [1, 2, 3, 4] as const) {
    if (criteria.some((c) => c.level === l && c.status === "fail")) break;
    level = l;
  }
  const nextSteps = criteria.filter((c) => c.level > level && c.status === "fail").slice(0, 3).map((c) => ({ level: c.level, id: c.id, step: c.step }));
  const total = e.models.reduce((s, m) => s + m.requests, 0);
  const supplyChain = [...e.models].sort((a, b) => b.requests - a.requests).map((m) => ({
    model: m.model,
    share: total > 0 ? m.requests / total : 0,
    lastFingerprintChange: m.lastFingerprintChange === null ? null : new Date(m.lastFingerprintChange).toISOString(),
    canary: m.canary,
  }));
  return { level, criteria, nextSteps, supplyChain, modelsWithoutCanary: supplyChain.filter((m) => !m.canary).map((m) => m.model) };
}
