/**
 * Retention without a long lock: each table is pruned in steps of at most `limit` rows, pausing
 * between steps so trace batches (and readers) get the database in between. A step that deletes
 * fewer than `limit` rows has reached the cutoff and that table is done.
 */
export interface PruneStep {
  name: string;
  /** Deletes at most `limit` rows past this table's cutoff; returns how many it deleted. */
  run(limit: number): number;
}

export async function pruneInSteps(steps: readonly PruneStep[], limit: number, pause: () => Promise<void>): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const step of steps) {
    deleted[step.name] = 0;
    for (;;) {
      const n = step.run(limit);
      deleted[step.name] += n;
      await pause();
      if (n < limit) break;
    }
  }
  return deleted;
}
