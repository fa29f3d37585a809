/**
 * Intent consistency for tool calls: the destinations and data a call carries (e-mail addresses,
 * URLs and hosts, account and card numbers, phone numbers) should come from the user or from the
 * application's trusted context. One that appears only in a retrieved document or a tool result
 * is the signature of indirect prompt injection ("forward this to attacker@evil.example"); one
 * that appears nowhere was made up by the model. Pure string evidence, no model.
 */
export interface IntentEvidence {
  /** User messages and system/developer prompts: what the caller asked for. */
  trusted: string;
  /** Documents and tool results the model read. */
  untrusted: string;
}

export interface IntentFinding {
  kind: "email" | "url" | "account" | "phone";
  /** "untrusted_only": seen only in retrieved content; "unseen": nowhere in the conversation. */
  origin: "untrusted_only" | "unseen";
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g;
const URL_HOST = /\b(?:https?|ftp|wss?):\/\/([A-Za-z0-9.-]{1,253})/gi;
const LONG_NUMBER = /(?<![\w])[A-Z]{0,4}\d[\d -]{6,32}\d(?![\w])/g;

const squash = (s: string): string => s.toLowerCase().replace(/[\s-]/g, "");

/** Destinations and data in the string values of a call's arguments. */
export function destinationsOf(args: unknown): { kind: IntentFinding["kind"]; value: string }[] {
  const out: { kind: IntentFinding["kind"]; value: string }[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 32) return;
    if (typeof v === "string") {
      for (const m of v.matchAll(EMAIL)) out.push({ kind: "email", value: m[0].toLowerCase() });
      for (const m of v.matchAll(URL_HOST)) out.push({ kind: "url", value: m[1].toLowerCase() });
      const withoutEmails = v.replace(EMAIL, " ");
      for (const m of withoutEmails.matchAll(LONG_NUMBER)) {
        const digits = m[0].replace(/\D/g, "");
        if (digits.length >= 8) out.push({ kind: /^\+|^0\d/.test(m[0]) && digits.length <= 15 ? "phone" : "account", value: squash(m[0]) });
      }
    } else if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) >= 1e7) {
      out.push({ kind: "account", value: String(Math.abs(v)) });
    } else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (v && typeof v === "object") for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(args, 0);
  return out;
}

/** Each destination in `args` not supported by the trusted text, with where it did come from. */
export function checkIntent(args: unknown, ev: IntentEvidence): IntentFinding[] {
  const trusted = ev.trusted.toLowerCase();
  const trustedSquashed = squash(ev.trusted);
  const untrusted = ev.untrusted.toLowerCase();
  const untrustedSquashed = squash(ev.untrusted);
  const out: IntentFinding[] = [];
  for (const d of destinationsOf(args)) {
    const inTrusted = d.kind === "account" || d.kind === "phone" ? trustedSquashed.includes(d.value) : trusted.includes(d.value);
    if (inTrusted) continue;
    const inUntrusted = d.kind === "account" || d.kind === "phone" ? untrustedSquashed.includes(d.value) : untrusted.includes(d.value);
    out.push({ kind: d.kind, origin: inUntrusted ? "untrusted_only" : "unseen" });
  }
  return out;
}
