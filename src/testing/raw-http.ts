import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Raw HTTP/1.1 over a plain socket, for what no well-behaved client sends: oversized or trickled
 * headers, bytes that are not UTF-8, a request line that is not HTTP. `send` gets the bytes as
 * given; the answer is read until the server closes the socket (every hostile answer closes it).
 */
export function openRaw(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port) }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Everything the server writes on `socket` until it closes it (or the socket errors). */
export function readUntilClose(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => resolve(text));
  });
}

export async function rawExchange(url: string, bytes: Buffer | string): Promise<RawResponse> {
  const socket = await openRaw(url);
  const answer = readUntilClose(socket);
  socket.write(bytes);
  return parseRaw(await answer);
}

/** The first response in `text` (status line, headers, a Content-Length body). */
export function parseRaw(text: string): RawResponse {
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) return { status: 0, headers: {}, body: text };
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const length = headers["content-length"] === undefined ? undefined : Number(headers["content-length"]);
  const rest = text.slice(end + 4);
  return { status: Number(statusLine.split(" ")[1]), headers, body: length === undefined ? rest : rest.slice(0, length) };
}
