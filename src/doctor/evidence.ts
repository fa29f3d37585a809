/**
 * The doctor's evidence, read through the admin API's own GETs — so `keel doctor` (over HTTP) and
 * GET /api/v1/doctor (in process) judge from exactly the figures the API and dashboard show.
 */
import type { Evidence } from "./maturity.js";

interface Slice { slice: string; requests: number; cost_usd: number; cache_hit_rate: number }
interface Summary { data: Slice[] }
interface Run { started_at: string; summary: { metrics: { checks: unknown[] }[] } | null }
interface AlertView { rule: { owner?: string }; state: { status: string; ackedBy: string | null } }
interface Review { status: string; resolved_at: string | null }
interface GuardStat { screened: number; actions: { block: number } }
interface Change { at: number; kind: string; action: string; target: string }

const DAY = 86_400_000;

/** Share of the calls whose slice value is known ("none" is the summary's name for no value). */
function knownShare(s: Summary, total: number): number {
  if (total === 0) return 0;
  return s.data.filter((x) => x.slice !== "none").reduce((n, x) => n + x.requests, 0) / total;
}

/** A GET of the admin API: over HTTP for the CLI, dispatched in process for GET /api/v1/doctor. */
export type AdminGet = <T>(path: string) => Promise<T>;

/** Reads this instance's evidence over the admin API (the same reads the dashboard makes). */
export async function gatherEvidence(get: AdminGet, windowDays: number, now = Date.now()): Promise<Evidence> {
  const since = `${windowDays}d`;
  const [all, byPrompt, byFeature, byUser, byModel, runs, rules, scores, alerts, targets, rollouts, reviews, guard, audit, drift, changes] = await Promise.all([
    get<Summary>(`/api/v1/metrics/summary?since=${since}`),
    get<Summary>(`/api/v1/metrics/summary?since=${since}&by=prompt_version`),
    get<Summary>(`/api/v1/metrics/summary?since=${since}&by=feature`),
    get<Summary>(`/api/v1/metrics/summary?since=${since}&by=user`),
    get<Summary>(`/api/v1/metrics/summary?since=${since}&by=model`),
    get<{ data: Run[] }>("/api/v1/evals/runs?limit=200"),
    get<{ data: unknown[] }>("/api/v1/evals/online-rules"),
    get<{ data: { scored: number }[] }>(`/api/v1/scores/summary?since=${now - DAY}`),
    get<{ data: AlertView[] }>("/api/v1/alerts"),
    get<{ data: unknown[] }>("/api/v1/targets"),
    get<{ data: unknown[] }>(`/api/v1/audit?action=prompt.rollout.*&since=${now - windowDays * DAY}&limit=1000`),
    get<{ data: Review[] }>("/api/v1/guard/reviews?status=all&limit=500"),
    get<{ data: GuardStat[] }>(`/api/v1/guard/stats?since=${now - windowDays * DAY}`),
    get<{ ok: boolean; checked: number }>("/api/v1/audit/verify"),
    get<{ data: { model: string }[] }>(`/api/v1/drift?since=${since}`),
    get<{ data: Change[] }>(`/api/v1/changes?since=${since}`),
  ]);
  const total = all.data[0]?.requests ?? 0;
  const monthAgo = now - 30 * DAY;
  const recentRuns = runs.data.filter((r) => Date.parse(r.started_at) >= now - windowDays * DAY);
  const canaried = new Set(drift.data.map((d) => d.model));
  const lastChange = new Map<string, number>();
  for (const ch of changes.data) if (ch.kind === "model" && ch.action !== "model.drift.detected") lastChange.set(ch.target, Math.max(lastChange.get(ch.target) ?? 0, ch.at));
  return {
    windowDays,
    requests: total,
    costUsd: all.data[0]?.cost_usd ?? 0,
    promptVersionShare: knownShare(byPrompt, total),
    featureShare: knownShare(byFeature, total),
    userShare: knownShare(byUser, total),
    cacheHitShare: all.data[0]?.cache_hit_rate ?? 0,
    evalRuns: recentRuns.length,
    gatedEvalRuns: recentRuns.filter((r) => r.summary?.metrics.some((m) => m.checks.length > 0)).length,
    onlineRules: rules.data.length,
    onlineScores24h: scores.data.reduce((n, s) => n + s.scored, 0),
    alertRules: alerts.data.length,
    alertRulesWithOwner: alerts.data.filter((a) => (a.rule.owner ?? "").trim() !== "").length,
    firingUnacked: alerts.data.filter((a) => a.state.status === "firing" && a.state.ackedBy === null).length,
    targets: targets.data.length,
    rollouts: rollouts.data.length,
    guardScreened: guard.data.reduce((n, g) => n + g.screened, 0),
    guardBlocks: guard.data.reduce((n, g) => n + g.actions.block, 0),
    guardFprMeasured: reviews.data.some((r) => r.resolved_at !== null && Date.parse(r.resolved_at) >= monthAgo),
    auditOk: audit.ok,
    auditChecked: audit.checked,
    models: byModel.data.filter((m) => m.slice !== "none").map((m) => ({ model: m.slice, requests: m.requests, lastFingerprintChange: lastChange.get(m.slice) ?? null, canary: canaried.has(m.slice) })),
  };
}
