/**
 * An alert's life, as a pure step function: ok → pending → firing → resolved (→ pending …).
 * Notifications come only from transitions, so a rule that stays breached notifies once per
 * episode (deduplication); silences suppress the notification, never the state change.
 */
export type AlertStatus = "ok" | "pending" | "firing" | "resolved";

export interface AlertState {
  status: AlertStatus;
  /** When the current status began (ms). */
  since: number;
  /** Start of the current breach episode: the dedup key of its notifications. */
  episode: number | null;
  value: number | null;
  baseline: number | null;
  samples: number;
  ackedBy: string | null;
  silencedUntil: number | null;
}

export type Observation =
  | { kind: "breached"; value: number; baseline: number | null; samples: number }
  | { kind: "clear"; value: number; baseline: number | null; samples: number }
  | { kind: "no_data"; samples: number };

export type Transition = "firing" | "resolved" | null;

export function initialState(now: number): AlertState {
  return { status: "ok", since: now, episode: null, value: null, baseline: null, samples: 0, ackedBy: null, silencedUntil: null };
}

export function step(prev: AlertState, obs: Observation, now: number, forMs: number): { next: AlertState; transition: Transition } {
  // Too few samples says nothing either way: keep the state, record the count.
  if (obs.kind === "no_data") return { next: { ...prev, samples: obs.samples }, transition: null };
  const base = { ...prev, value: obs.value, baseline: obs.baseline, samples: obs.samples };
  if (obs.kind === "breached") {
    if (prev.status === "firing") return { next: base, transition: null };
    const episode = prev.status === "pending" ? prev.episode ?? now : now;
    if (now - episode >= forMs) return { next: { ...base, status: "firing", since: now, episode, ackedBy: null }, transition: "firing" };
    return { next: { ...base, status: "pending", since: prev.status === "pending" ? prev.since : now, episode }, transition: null };
  }
  if (prev.status === "firing") return { next: { ...base, status: "resolved", since: now }, transition: "resolved" };
  if (prev.status === "pending") return { next: { ...base, status: "ok", since: now, episode: null }, transition: null };
  return { next: base, transition: null };
}

export function isSilenced(s: AlertState, now: number): boolean {
  return s.silencedUntil !== null && s.silencedUntil > now;
}
