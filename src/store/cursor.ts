/**
 * Keyset-pagination cursors for lists ordered by (time DESC, id DESC): opaque to clients, the
 * last row's time and id inside. A malformed cursor is a RangeError, which routes answer as a 400.
 */
export function encodeCursor(t: number, id: string): string {
  return Buffer.from(JSON.stringify([t, id])).toString("base64url");
}

export function decodeCursor(cursor: string): { t: number; id: string } {
  try {
    const [t, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [unknown, unknown];
    if (typeof t === "number" && typeof id === "string") return { t, id };
  } catch {
    // fall through
  }
  throw new RangeError("invalid cursor");
}
