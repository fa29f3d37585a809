/**
 * Promises still running, so a `close()` or `settle()` can wait for the last one. A rejection is
 * the tracked promise's caller's to handle; `settle` never throws. Calls tracked while it waits
 * are waited for too.
 */
export class InFlight {
  private readonly calls = new Set<Promise<unknown>>();

  track<T>(p: Promise<T>): Promise<T> {
    this.calls.add(p);
    void p.finally(() => this.calls.delete(p)).catch(() => {});
    return p;
  }

  async settle(): Promise<void> {
    while (this.calls.size > 0) await Promise.allSettled([...this.calls]);
  }
}
