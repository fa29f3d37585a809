/** Numbers for people: 1.2k, 340 ms, $0.0042, 12.5%. Null shows as an em dash. */

const DASH = "—";
type N = number | null | undefined;

export function count(n: N): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}B`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e3) return `${trim(n / 1e3)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

const trim = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)).replace(/\.?0+$/, "");

export function ms(n: N): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  if (n >= 60_000) return `${trim(n / 60_000)} min`;
  if (n >= 1000) return `${trim(n / 1000)} s`;
  return `${Math.round(n)} ms`;
}

export function usd(n: N): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  if (n === 0) return "$0";
  const a = Math.abs(n);
  if (a >= 1000) return `$${count(n)}`;
  if (a >= 1) return `$${n.toFixed(2)}`;
  if (a >= 0.01) return `$${n.toFixed(3)}`;
  return `$${n.toPrecision(2)}`;
}

export function pct(n: N): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return `${(n * 100).toFixed(n === 0 || n >= 0.1 ? 0 : 1)}%`;
}

export function when(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function text(v: unknown): string {
  if (v === null || v === undefined || v === "") return DASH;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}
