/**
 * Preloaded into a benchmarked Keel (`node --import bench/rss-probe.mjs`) by bench/rss.ts: every
 * thread's V8 heap, without an inspector. `--import` does not run in worker threads, so the probe
 * wraps `worker_threads.Worker`: a file-module worker becomes a two-line bootstrap that imports
 * this probe, then the original module (same workerData, resourceLimits and transfer list).
 *
 * Each thread rewrites `<KEEL_RSS_PROBE_DIR>/heap-<threadId>.json` every 100 ms with its peak and
 * current heap figures. Writing `<dir>/gc` (any content, a new mtime) asks every thread for a full
 * GC and its live heap afterwards (`afterGc`), which is what the thread actually retains.
 * Benchmark-only: nothing in src/ knows about it.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { setFlagsFromString, getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { runInNewContext } from "node:vm";
import { syncBuiltinESMExports } from "node:module";
import * as wt from "node:worker_threads";
import { createRequire } from "node:module";
import { constants as perfConstants, PerformanceObserver } from "node:perf_hooks";

const dir = process.env.KEEL_RSS_PROBE_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc");
  const name = wt.isMainThread ? "main" : (wt.workerData?.__probeName ?? `worker-${wt.threadId}`);
  const peak = { totalHeapMb: 0, usedHeapMb: 0, mallocedMb: 0, externalMb: 0, arrayBuffersMb: 0, rssMb: 0 };
  /** GC pauses on this thread (perf_hooks "gc" entries): count and summed ms, major (mark-compact) and minor. */
  const gcPauses = { major: 0, majorMs: 0, minor: 0, minorMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const major = e.detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR;
      if (major) { gcPauses.major++; gcPauses.majorMs += e.duration; } else { gcPauses.minor++; gcPauses.minorMs += e.duration; }
    }
  }).observe({ entryTypes: ["gc"] });
  /** Peak committed size of each V8 space (new_space, old_space, code_space, large_object_space, …), MB. */
  const spaces = {};
  let afterGc = null;
  let gcSeen = 0;
  const mb = (b) => b / 1048576;
  const tick = () => {
    const h = getHeapStatistics();
    const cur = {
      totalHeapMb: mb(h.total_heap_size), usedHeapMb: mb(h.used_heap_size), mallocedMb: mb(h.malloced_memory),
      externalMb: mb(h.external_memory), arrayBuffersMb: wt.isMainThread ? mb(process.memoryUsage().arrayBuffers) : 0,
      rssMb: wt.isMainThread ? mb(process.memoryUsage.rss()) : 0,
    };
    for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], cur[k]);
    for (const sp of getHeapSpaceStatistics()) spaces[sp.space_name] = Math.max(spaces[sp.space_name] ?? 0, mb(sp.space_size));
    let m = 0;
    try { m = statSync(`${dir}/gc`).mtimeMs; } catch { /* no request yet */ }
    if (m > gcSeen) {
      gcSeen = m;
      gc();
      const g = getHeapStatistics();
      afterGc = { totalHeapMb: mb(g.total_heap_size), usedHeapMb: mb(g.used_heap_size), at: m };
    }
    // Written beside, then renamed: the benchmark never reads half a file.
    const file = `${dir}/heap-${wt.threadId}.json`;
    writeFileSync(`${file}.tmp`, JSON.stringify({ name, threadId: wt.threadId, peak, spaces, gcPauses, current: cur, afterGc, limits: wt.resourceLimits ?? null }));
    renameSync(`${file}.tmp`, file);
  };
  setInterval(tick, 100).unref();
  tick();

  if (wt.isMainThread) {
    const probeUrl = import.meta.url;
    const Original = wt.Worker;
    class ProbedWorker extends Original {
      constructor(file, options = {}) {
        if (options.eval || !(file instanceof URL || (typeof file === "string" && /^(file:|\/)/.test(file)))) {
          super(file, options);
          return;
        }
        const href = file instanceof URL ? file.href : (file.startsWith("file:") ? file : new URL(`file://${file}`).href);
        const base = href.slice(href.lastIndexOf("/") + 1);
        const boot = `import(${JSON.stringify(probeUrl)}).then(() => import(${JSON.stringify(href)}))`;
        const data = options.workerData && typeof options.workerData === "object" ? { ...options.workerData, __probeName: base } : options.workerData;
        super(boot, { ...options, eval: true, workerData: data });
      }
    }
    // Keel imports `{ Worker } from "node:worker_threads"`: replace it on the CJS object, then sync the ESM binding.
    createRequire(import.meta.url)("node:worker_threads").Worker = ProbedWorker;
    syncBuiltinESMExports();
  }
}
