/**
 * The one Server-Sent Events parser every HTTP adapter shares (WHATWG HTML §9.2.6 event stream
 * interpretation): fields `event`, `data` (multi-line joined by "\n"), `id`; comments (`:`) ignored;
 * CRLF, CR and LF line ends; a chunk boundary may fall anywhere, including inside a UTF-8 sequence.
 */

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Upper bound on one buffered event: a stream that never ends its event is malformed, not a reason to grow forever. */
export const MAX_SSE_EVENT_BYTES = 8 * 1024 * 1024;

export class SseParser {
  private readonly decoder = new TextDecoder("utf-8");
  private buffer = "";
  private eventType = "";
  private data: string[] = [];
  private id: string | undefined;
  private pendingCR = false;

  /** Feeds bytes; returns every event completed by them. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.pendingCR) {
      // a CR ended the last chunk: a LF that starts this one belongs to it
      if (text.startsWith("\n")) text = text.slice(1);
      this.pendingCR = false;
    }
    this.buffer += text;
    const out: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf("\n", start);
      const cr = this.buffer.indexOf("\r", start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 === this.buffer.length) {
          next = cr + 1;
          this.pendingCR = true;
        } else {
          next = this.buffer[cr + 1] === "\n" ? cr + 2 : cr + 1;
        }
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else break;
      this.line(this.buffer.slice(start, end), out);
      start = next;
    }
    this.buffer = start === 0 ? this.buffer : this.buffer.slice(start);
    if (this.buffer.length > MAX_SSE_EVENT_BYTES) throw new Error("SSE line exceeds 8 MiB");
    return out;
  }

  /** End of stream: an event not terminated by a blank line is dropped, per the spec. */
  end(): SseEvent[] {
    this.buffer = "";
    this.data = [];
    return [];
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === "") {
      if (this.data.length > 0) {
        const ev: SseEvent = { event: this.eventType || "message", data: this.data.join("\n") };
        if (this.id !== undefined) ev.id = this.id;
        out.push(ev);
      }
      this.data = [];
      this.eventType = "";
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.eventType = value;
    else if (field === "id") this.id = value;
  }
}

/** Serialises one event for a client: `data: …\n\n` (with `event:` when not the default). */
export function formatSse(data: string, event?: string): string {
  return event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}
