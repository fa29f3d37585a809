import type { TargetView } from "./strategies.js";

/** The engine's own queue when fresh, else Keel's in-flight count (stale figures never decide). */
export function busy(v: TargetView): number {
  const e = v.engineLoad;
  return e === undefined || e === null ? v.inFlight : e;
}
