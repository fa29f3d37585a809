import { canonicalJson, sha256Hex } from "../datasets/canonical.js";
import type { TargetOutput } from "./target.js";

/**
 * Target outputs by key, so re-running a suite after changing only its evaluators (or a judge's
 * rubric) does not call the target again. The key covers the target's configuration, the exact
 * payload sent and the repeat index: repeat k of an item reuses repeat k, never another repeat.
 */
export interface OutputCache {
  get(key: string): Promise<TargetOutput | undefined>;
  set(key: string, output: TargetOutput): Promise<void>;
}

export function cacheKey(targetFingerprint: string, payload: unknown, repeat: number): string {
  return sha256Hex(canonicalJson([targetFingerprint, payload, repeat]));
}

export class MemoryOutputCache implements OutputCache {
  private readonly map = new Map<string, TargetOutput>();
  async get(key: string): Promise<TargetOutput | undefined> {
    return this.map.get(key);
  }
  async set(key: string, output: TargetOutput): Promise<void> {
    this.map.set(key, output);
  }
  get size(): number {
    return this.map.size;
  }
}
