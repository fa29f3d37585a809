/** Parses an expiry such as `30d`, `12h`, `90m`, `45s` or an ISO date into epoch ms. */
export function parseExpiry(value: string, now: number): number {
  const m = /^(\d{1,6})([smhdw])$/.exec(value.trim());
  if (m) {
    const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2] as "s" | "m" | "h" | "d" | "w"];
    const n = Number(m[1]);
    if (n <= 0) throw new Error(`expiry "${value}" must be positive`);
    return now + n * unit;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(value);
    if (Number.isFinite(t)) {
      if (t <= now) throw new Error(`expiry "${value}" is in the past`);
      return t;
    }
  }
  throw new Error(`expiry "${value}" is not a duration like 30d, 12h, 90m or an ISO date`);
}
