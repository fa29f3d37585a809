import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { PushChange } from "../prompts/prompt-service.js";
import { parsePromptFile, PROMPT_FILE_EXTENSIONS, promptFile } from "../prompts/prompt-files.js";
import type { PromptContent } from "../prompts/types.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
interface PromptSummary { name: string; type: string; latest_version: number; labels: Record<string, number>; rollouts: string[]; updated_at: string }
type VersionView = PromptContent & { name: string; version: number; hash: string; message: string | null; author: string; created_at: string; labels: string[] };

const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const enc = encodeURIComponent;

/** Every prompt file under `dir`, as paths relative to it (hidden folders and node_modules skipped). */
async function promptFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (PROMPT_FILE_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x))) found.push(relative(dir, p));
    }
  };
  await walk(dir);
  return found.sort();
}

/** `keel prompts push DIR`: files → versions. Idempotent; prints what changed (or would, with --dry-run). */
export async function pushPrompts(c: Conn, dir: string, o: { dryRun?: boolean; message?: string; diff?: boolean; reason?: string; json?: boolean }): Promise<void> {
  const files = await promptFiles(dir);
  if (files.length === 0) throw new Error(`no prompt files (${PROMPT_FILE_EXTENSIONS.join(", ")}) under ${dir}`);
  const prompts = await Promise.all(files.map(async (f) => parsePromptFile(f, await readFile(join(dir, f), "utf8"))));
  let res: { dry_run: boolean; changes: PushChange[] };
  try {
    res = await new AdminClient(c.url, c.token).call("POST", "/api/v1/prompts", {
      prompts, dry_run: o.dryRun === true, diff: o.diff === true, ...(o.message ? { message: o.message } : {}), ...(o.reason ? { reason: o.reason } : {}),
    });
  } catch (err) {
    // The server names the item (`prompts[3].messages[0].role`); the user knows it by its file.
    throw new Error((err as Error).message.replace(/prompts\[(\d+)\]\.?/g, (_, i: string) => `${files[Number(i)] ?? `prompts[${i}]`}: `));
  }
  if (o.json) return out(JSON.stringify(res, null, 2));
  for (const ch of res.changes) {
    const mark = ch.action === "unchanged" ? "=" : ch.action === "created" ? "+" : "~";
    const what = ch.action === "unchanged" ? `unchanged (v${ch.version})` : ch.action === "created" ? `created v${ch.version}` : `v${ch.version} (was v${ch.previous}, +${ch.diff?.added ?? 0} −${ch.diff?.removed ?? 0} lines)`;
    const labels = ch.labels.map((l) => `${l.label} ${l.from === null ? "new" : `v${l.from}`} → v${l.to}`).join(", ");
    if (ch.action === "unchanged" && !labels && !o.dryRun && res.changes.length > 20) continue;
    out(`${mark} ${ch.name}  ${what}${labels ? `  labels: ${labels}` : ""}`);
    if (ch.diff?.unified) out(ch.diff.unified);
  }
  const n = (a: PushChange["action"]): number => res.changes.filter((ch) => ch.action === a).length;
  const moved = res.changes.reduce((s, ch) => s + ch.labels.length, 0);
  out(`${o.dryRun ? "dry run, nothing written: " : ""}${res.changes.length} prompts — ${n("created")} new, ${n("new_version")} changed, ${n("unchanged")} unchanged; ${moved} label move${moved === 1 ? "" : "s"}`);
}

/** `keel prompts pull DIR`: the registry → files (a label's version, else the newest), ready to push back unchanged. */
export async function pullPrompts(c: Conn, dir: string, o: { label?: string; name?: string }): Promise<void> {
  const client = new AdminClient(c.url, c.token);
  const { data } = await client.call<{ data: PromptSummary[] }>("GET", "/api/v1/prompts");
  const wanted = o.name ? data.filter((p) => p.name === o.name) : data;
  if (o.name && wanted.length === 0) throw new Error(`no prompt named '${o.name}'`);
  let written = 0;
  for (const p of wanted) {
    const version = o.label ? p.labels[o.label] : p.latest_version;
    if (version === undefined) {
      out(`skipped ${p.name}: no label '${o.label}'`);
      continue;
    }
    const v = await client.call<VersionView>("GET", `/api/v1/prompts/${enc(p.name)}/versions/${version}`);
    const file = promptFile(p.name, contentOf(v), `${p.name} version ${v.version}${o.label ? ` (${o.label})` : ""}, pulled from Keel; push with: keel prompts push ${dir}`);
    // Keep an existing file's extension (.yml), so the folder never holds one prompt twice.
    const base = join(dir, p.name);
    const existing = [".yml", ".yaml"].map((x) => base + x).find((f) => existsSync(f) && file.path.endsWith(".yaml"));
    const path = existing ?? join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text);
    out(`wrote ${path}  (${p.name}@${v.version})`);
    written++;
  }
  out(`${written} prompt file${written === 1 ? "" : "s"} written to ${dir}`);
}

function contentOf(v: VersionView): PromptContent {
  const { name: _n, version: _v, hash: _h, message: _m, author: _a, created_at: _c, labels: _l, ...content } = v;
  return content as PromptContent;
}

export async function listPrompts(c: Conn, o: { json?: boolean }): Promise<void> {
  const { data } = await new AdminClient(c.url, c.token).call<{ data: PromptSummary[] }>("GET", "/api/v1/prompts");
  if (o.json) return out(JSON.stringify(data, null, 2));
  out(table(
    ["NAME", "TYPE", "LATEST", "LABELS", "ROLLOUTS", "UPDATED"],
    data.map((p) => [p.name, p.type, p.latest_version, Object.entries(p.labels).map(([l, v]) => `${l}=${v}`).join(" ") || null, p.rollouts.join(",") || null, p.updated_at]),
  ));
}

export async function showPrompt(c: Conn, name: string, o: { label?: string; version?: string; json?: boolean }): Promise<void> {
  const client = new AdminClient(c.url, c.token);
  if (o.version === undefined && o.label !== undefined) {
    const served = await client.call<Record<string, unknown>>("GET", `/api/v1/prompts/${enc(name)}?label=${enc(o.label)}`);
    if (o.json) return out(JSON.stringify(served, null, 2));
    o = { ...o, version: String(served.version) };
  }
  const version = o.version ?? String((await client.call<{ data: VersionView[] }>("GET", `/api/v1/prompts/${enc(name)}/versions`)).data[0].version);
  const v = await client.call<VersionView>("GET", `/api/v1/prompts/${enc(name)}/versions/${enc(version)}`);
  if (o.json) return out(JSON.stringify(v, null, 2));
  out(`${v.name} version ${v.version}${v.labels.length ? `  [${v.labels.join(", ")}]` : ""}\nby ${v.author} at ${v.created_at}${v.message ? ` — ${v.message}` : ""}\nhash ${v.hash}\n`);
  out(promptFile(v.name, contentOf(v), `${v.name}@${v.version}`).text);
}

/** `keel prompts diff NAME A B`: A and B are versions (3) or labels (production). */
export async function diffPrompt(c: Conn, name: string, a: string, b: string): Promise<void> {
  const client = new AdminClient(c.url, c.token);
  const toVersion = async (ref: string): Promise<number> => {
    if (/^\d+$/.test(ref)) return Number(ref);
    const { data } = await client.call<{ data: { label: string; version: number }[] }>("GET", `/api/v1/prompts/${enc(name)}/labels`);
    if (ref === "latest") return (await client.call<{ data: VersionView[] }>("GET", `/api/v1/prompts/${enc(name)}/versions`)).data[0].version;
    const hit = data.find((l) => l.label === ref);
    if (!hit) throw new Error(`prompt '${name}' has no label '${ref}'`);
    return hit.version;
  };
  const [from, to] = [await toVersion(a), await toVersion(b)];
  const d = await client.call<{ unified: string; added: number; removed: number }>("GET", `/api/v1/prompts/${enc(name)}/diff?from=${from}&to=${to}`);
  out(d.unified || `${name}@${from} and ${name}@${to} are the same`);
}

export async function labelPrompt(c: Conn, name: string, label: string, version: string, o: { reason?: string; expect?: string }): Promise<void> {
  const body = { version: Number(version), ...(o.expect ? { expected_version: Number(o.expect) } : {}), ...(o.reason ? { reason: o.reason } : {}) };
  const r = await new AdminClient(c.url, c.token).call<{ from_version: number | null; version: number }>("PUT", `/api/v1/prompts/${enc(name)}/labels/${enc(label)}`, body);
  out(`${name}@${label}: ${r.from_version === null ? "new" : `v${r.from_version}`} → v${r.version}`);
}
