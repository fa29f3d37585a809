import { readdirSync, readFileSync, readlinkSync } from "node:fs";
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

/** Nice values of this process's threads, by kernel thread id (Linux; empty where /proc is missing). */
export function threadNiceValues(): Map<number, number> {
  const out = new Map<number, number>();
  let tasks: string[];
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
      // The fields after the command name in parentheses (which may hold spaces); nice is field 19.
      out.set(Number(t), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}
