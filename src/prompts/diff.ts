/**
 * Line diff (Myers, "An O(ND) Difference Algorithm", 1986) rendered as unified-diff hunks. Prompts
 * are small, so the O(D·(N+M)) trace kept for backtracking costs little; past MAX_LINES a diff is
 * reported as a whole replacement rather than risk a slow admin call.
 */

export type DiffOp = { op: " " | "-" | "+"; line: string };

export interface DiffHunk {
  /** 1-based start line and length in the old and new text, as in `@@ -a,b +c,d @@`. */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

export interface LineDiff {
  changed: boolean;
  added: number;
  removed: number;
  hunks: DiffHunk[];
}

const MAX_LINES = 20_000;

export function diffLines(a: string, b: string, context = 3): LineDiff {
  const ops = editScript(splitLines(a), splitLines(b));
  const added = ops.filter((o) => o.op === "+").length;
  const removed = ops.filter((o) => o.op === "-").length;
  return { changed: added + removed > 0, added, removed, hunks: hunks(ops, context) };
}

/** The unified-diff text of a diff, with `--- a` and `+++ b` headers. */
export function formatUnified(d: LineDiff, aName: string, bName: string): string {
  if (!d.changed) return "";
  const out = [`--- ${aName}`, `+++ ${bName}`];
  for (const h of d.hunks) out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
  return `${out.join("\n")}\n`;
}

function splitLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

export function editScript(a: readonly string[], b: readonly string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  if (n + m > MAX_LINES) return [...a.map((line) => ({ op: "-" as const, line })), ...b.map((line) => ({ op: "+" as const, line }))];
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[off + k] = x;
      if (x >= n && y >= m) { found = true; break; }
    }
  }
  // Walk the trace back from (n, m), emitting operations in reverse.
  const ops: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1] < vd[off + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ op: " ", line: a[--x] }), y--;
    if (d === 0) break;
    if (x === prevX) ops.push({ op: "+", line: b[--y] });
    else ops.push({ op: "-", line: a[--x] });
  }
  while (x > 0 && y > 0) ops.push({ op: " ", line: a[--x] }), y--;
  return ops.reverse();
}

function hunks(ops: readonly DiffOp[], context: number): DiffHunk[] {
  const out: DiffHunk[] = [];
  const changes = ops.map((o, i) => (o.op === " " ? -1 : i)).filter((i) => i >= 0);
  if (changes.length === 0) return out;
  // Old/new line numbers before each op.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 0;
  let nw = 0;
  for (const op of ops) {
    oldAt.push(o);
    newAt.push(nw);
    if (op.op !== "+") o++;
    if (op.op !== "-") nw++;
  }
  let start = Math.max(0, changes[0] - context);
  let end = Math.min(ops.length, changes[0] + context + 1);
  const flush = (): void => {
    const slice = ops.slice(start, end);
    out.push({
      oldStart: oldAt[start] + 1,
      oldLines: slice.filter((s) => s.op !== "+").length,
      newStart: newAt[start] + 1,
      newLines: slice.filter((s) => s.op !== "-").length,
      lines: slice.map((s) => `${s.op}${s.line}`),
    });
  };
  for (const c of changes.slice(1)) {
    if (c - context <= end) end = Math.min(ops.length, c + context + 1);
    else {
      flush();
      start = c - context;
      end = Math.min(ops.length, c + context + 1);
    }
  }
  flush();
  return out;
}
