import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * The calling thread's kernel id on Linux (`/proc/thread-self` links to `<pid>/task/<tid>`), or
 * null where there is no such link (other systems, a /proc not mounted).
 */
export function kernelThreadId(): number | null {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Raises the calling thread's nice value to `nice` (never lowers it: that would need privilege),
 * so that the kernel gives this thread's CPU to the gateway's thread first when both want it.
 * Linux keeps a nice value per thread and `setpriority` on a thread id changes that thread only
 * (pthreads(7)); elsewhere, or where /proc is missing, nothing changes. Returns the thread's nice
 * value afterwards, or null when it could not be read or set.
 */
export function lowerThreadPriority(nice: number): number | null {
  const tid = kernelThreadId();
  if (tid === null) return null;
  try {
    if (getPriority(tid) < nice) setPriority(tid, nice);
    return getPriority(tid);
  } catch {
    return null;
  }
}
