/** What the runner reports as it goes. */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  readonly costUsd: number;
  readonly errors: number;
  readonly elapsedMs: number;
}

export interface ProgressSink {
  update(s: ProgressState): void;
  end(s: ProgressState): void;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** ETA from the mean time per finished task so far; unknown until one task has finished. */
export function etaMs(s: ProgressState): number | null {
  if (s.done === 0 || s.done >= s.total) return s.done >= s.total ? 0 : null;
  return (s.elapsedMs / s.done) * (s.total - s.done);
}

/** One status line: `[#####-----] 45/100  45%  ETA 12s  $0.0123  2 errors`, the bar fit to `width`. */
export function formatProgress(s: ProgressState, width: number): string {
  const pct = s.total === 0 ? 100 : Math.floor((100 * s.done) / s.total);
  const eta = etaMs(s);
  const tail = `${s.done}/${s.total}  ${String(pct).padStart(3)}%  ETA ${eta === null ? "?" : duration(eta)}  $${s.costUsd.toFixed(4)}${s.errors ? `  ${s.errors} error${s.errors > 1 ? "s" : ""}` : ""}`;
  const barWidth = Math.max(10, Math.min(40, width - tail.length - 4));
  const filled = s.total === 0 ? barWidth : Math.round((barWidth * s.done) / s.total);
  return `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${tail}`;
}

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A progress bar on stderr. On a terminal: one line redrawn in place at most every 100 ms.
 * Piped (CI logs): a plain line at each 10% step, so logs stay readable and short.
 */
export function progressBar(out: Out, now: () => number = Date.now): ProgressSink {
  let last = -Infinity;
  let lastDecile = -1;
  return {
    update(s) {
      if (out.isTTY) {
        const t = now();
        if (t - last < 100 && s.done < s.total) return;
        last = t;
        out.write(`\r${formatProgress(s, out.columns ?? 80)}\u001b[K`);
      } else {
        const decile = s.total === 0 ? 10 : Math.floor((10 * s.done) / s.total);
        if (decile === lastDecile) return;
        lastDecile = decile;
        out.write(`${formatProgress(s, 80)}\n`);
      }
    },
    end(s) {
      if (out.isTTY) out.write(`\r${formatProgress(s, out.columns ?? 80)}\u001b[K\n`);
      else if (lastDecile !== 10 || s.done < s.total) out.write(`${formatProgress(s, 80)}\n`);
    },
  };
}

export const silentProgress: ProgressSink = { update() {}, end() {} };
