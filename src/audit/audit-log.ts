import { GENESIS, type ChainReport, entryHash, verifyChain } from "./hash-chain.js";
import type { AuditEntry, AuditFilter, AuditInput, AuditSink, AuditStore } from "./types.js";

const PAGE = 1000;

/**
 * The append-only, hash-chained record of every change to prompts, labels, rollouts, keys,
 * credentials and config. Writers call `record`; readers list, export and verify.
 */
export class AuditLog implements AuditSink {
  constructor(private readonly store: AuditStore, private readonly now: () => number = Date.now) {}

  record(input: AuditInput): AuditEntry {
    return this.store.append((head) => {
      const body = {
        seq: (head?.seq ?? 0) + 1,
        at: this.now(),
        actor: input.actor,
        role: input.role,
        action: input.action,
        targetType: input.targetType,
        target: input.target,
        // Stored as JSON: a round trip now means the hash is computed over exactly what is read back.
        before: input.before === undefined ? null : (JSON.parse(JSON.stringify(input.before)) as unknown),
        after: input.after === undefined ? null : (JSON.parse(JSON.stringify(input.after)) as unknown),
        reason: input.reason ?? null,
      };
      const prevHash = head?.hash ?? GENESIS;
      return { ...body, prevHash, hash: entryHash(prevHash, body) };
    });
  }

  list(filter: AuditFilter): AuditEntry[] {
    return this.store.list(filter);
  }

  /** Every entry in seq order, a page at a time (memory stays flat however long the log). */
  *entries(afterSeq = 0): Generator<AuditEntry> {
    let after = afterSeq;
    for (;;) {
      const page = this.store.scan(after, PAGE);
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1].seq;
    }
  }

  verify(): ChainReport {
    return verifyChain(this.entries(), this.store.head());
  }
}
