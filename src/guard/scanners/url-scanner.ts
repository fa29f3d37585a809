import type { Finding, ScanInput } from "../types.js";
import { result, type ScannerDefinition } from "./definition.js";
import { urlOptions, type UrlOptions } from "./url-options.js";

const URL_RE = /\b(?:[a-z][a-z0-9+.-]{1,15}:\/\/|www\.)[^\s<>"'`)\]}]{1,2048}|\b(?:javascript|data|vbscript):[^\s<>"'`)]{1,2048}/gi;
// A markdown image whose URL carries a query is the classic exfiltration channel (the client fetches it unasked).
const MD_IMAGE_RE = /!\[[^\]]{0,200}\]\(\s*<?([^\s)>]{1,2048})/g;

export function hostAllowed(host: string, allow: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return allow.some((a) => {
    const p = a.toLowerCase();
    if (p.startsWith("*.")) return h === p.slice(2) || h.endsWith(p.slice(1));
    return h === p;
  });
}

/** URLs outside an allowlist, disallowed schemes, and markdown images that would send data to an outside host. */
export const urlScanner: ScannerDefinition<UrlOptions> = {
  name: "url_allowlist",
  options: urlOptions,
  create(o) {
    return {
      name: "url_allowlist",
      cost: "fast",
      pure: true,
      large: "whole",
      sources: ["output", "document", "tool_result", "user"],
      scan(input: ScanInput) {
        const findings: Finding[] = [];
        if (!/[:.]/.test(input.text)) return result("url_allowlist", findings, 0.5);
        const images = new Set<number>();
        for (const m of input.text.matchAll(MD_IMAGE_RE)) images.add(m.index + m[0].length - m[1].length);
        for (const m of input.text.matchAll(URL_RE)) {
          const raw = m[0].replace(/[.,;:!?]+$/, "");
          const span = { start: m.index, end: m.index + raw.length };
          let url: URL;
          try {
            url = new URL(raw.startsWith("www.") ? `https://${raw}` : raw);
          } catch {
            continue;
          }
          const scheme = url.protocol.slice(0, -1).toLowerCase();
          if (!o.schemes.includes(scheme)) {
            findings.push({ type: "disallowed_scheme", ...span, score: 0.9 });
            continue;
          }
          if (hostAllowed(url.hostname, o.allow)) continue;
          const exfil = images.has(m.index) && url.search.length > 1;
          findings.push({ type: exfil ? "image_exfiltration" : "url_not_allowed", ...span, score: exfil ? 0.95 : 0.8 });
        }
        return result("url_allowlist", findings, 0.5);
      },
    };
  },
  redaction: () => ({ label: "URL", restorable: false }),
};
