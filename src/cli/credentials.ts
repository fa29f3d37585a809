import type { CredentialView } from "../credentials/credential-service.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };

/** Reads the value from stdin so it never lands in shell history or `ps`. */
export async function setCredential(c: Conn, name: string): Promise<void> {
  if (process.stdin.isTTY) process.stderr.write(`Value for credential "${name}" (then Enter, Ctrl-D): `);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks).toString("utf8").trim();
  if (!value) throw new Error("no value on stdin");
  const v = await new AdminClient(c.url, c.token).call<CredentialView & { providers_reloaded: string[] }>("PUT", `/api/v1/credentials/${encodeURIComponent(name)}`, { value });
  process.stdout.write(`Stored ${v.name} (${v.hint})${v.providers_reloaded.length ? `; reloaded providers: ${v.providers_reloaded.join(", ")}` : ""}\n`);
}

export async function listCredentials(c: Conn): Promise<void> {
  const { data } = await new AdminClient(c.url, c.token).call<{ data: CredentialView[] }>("GET", "/api/v1/credentials");
  process.stdout.write(`${table(["NAME", "VALUE", "UPDATED"], data.map((v) => [v.name, v.hint, v.updated_at]))}\n`);
}

export async function deleteCredential(c: Conn, name: string): Promise<void> {
  await new AdminClient(c.url, c.token).call("DELETE", `/api/v1/credentials/${encodeURIComponent(name)}`);
  process.stdout.write(`Deleted ${name}\n`);
}
