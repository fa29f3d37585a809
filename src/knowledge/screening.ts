import { defaultRetrievedScanners } from "../guard/injection/index.js";
import { secretScanner } from "../guard/scanners/secret-scanner.js";
import { secretOptions } from "../guard/scanners/secret-options.js";
import type { Scanner } from "../guard/types.js";
import type { ChunkRecord } from "./types.js";

export type ChunkVerdict = NonNullable<ChunkRecord["verdict"]>;

/** Screens one chunk; null when it may be served, else the scanners that triggered. */
export type ChunkScreen = (text: string) => Promise<ChunkVerdict | null>;

/**
 * The guard's document-source scanners as an ingestion screen: indirect injection and invisible
 * text (`defaultRetrievedScanners`) and secrets. A chunk any of them triggers on is quarantined
 * with the verdict (scanner, score, finding types — never the matched text) until an admin releases it.
 */
export function documentScreen(scanners: readonly Scanner[] = [...defaultRetrievedScanners(), secretScanner.create(secretOptions.parse({}))]): ChunkScreen {
  return async (text) => {
    const hits: ChunkVerdict = [];
    for (const s of scanners) {
      const r = await s.scan({ text, source: "document" });
      if (r.triggered) hits.push({ scanner: r.scanner, score: r.score, types: [...new Set(r.findings.map((f) => f.type))].slice(0, 10) });
    }
    return hits.length > 0 ? hits : null;
  };
}
