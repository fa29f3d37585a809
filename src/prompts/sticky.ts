import { createHash } from "node:crypto";

export type Arm = "a" | "b";

/**
 * Sticky assignment: a subject (user id, else key id) lands in a fixed bucket per rollout, uniform
 * in [0, 100). The rollout salt (its id) makes buckets independent across rollouts, so the same
 * users are not always the canaries. Raising the step's percentage only adds subjects to B: whoever
 * saw B keeps seeing B until the rollout ends. SHA-256 is ~1 µs here and uniform enough for a χ²
 * test (sticky.test.ts); nothing about the assignment needs to be secret.
 */
export function bucketOf(salt: string, subject: string): number {
  const h = createHash("sha256").update(salt).update("\0").update(subject).digest();
  // 48 bits of the hash, scaled to [0, 100): fine-grained enough for steps like 0.1%.
  return (h.readUIntBE(0, 6) / 2 ** 48) * 100;
}

export function armFor(salt: string, subject: string, percentB: number): Arm {
  if (percentB <= 0) return "a";
  if (percentB >= 100) return "b";
  return bucketOf(salt, subject) < percentB ? "b" : "a";
}
