import { randomBytes } from "node:crypto";
import { z } from "zod";
import { KeelError } from "../../errors/errors.js";
import { canonicalJson, sha256Hex } from "./canonical.js";
import { type DatasetItem, datasetItemSchema } from "./item-schema.js";
import type { DatasetRecord, DatasetStore, DatasetVersionRecord, StoredItem } from "./types.js";

export const datasetName = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a letter or digit, then letters, digits, _ . -");
export const createDatasetInput = z.strictObject({ name: datasetName, description: z.string().max(2000).optional() });
export const MAX_ITEMS_PER_CALL = 50_000;

export interface DatasetView {
  name: string;
  description: string | null;
  created_at: string;
  latest_version: number;
  item_count: number;
  versions?: { version: number; created_at: string; note: string | null; item_count: number; added: number; removed: number }[];
}

export interface CommitSummary {
  version: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  /** False when nothing changed: no version was made. */
  created: boolean;
}

/** Versioned golden datasets. Each change makes a new immutable version; old versions stay readable. */
export class DatasetService {
  constructor(private readonly store: DatasetStore, private readonly now: () => number = Date.now) {}

  create(input: z.infer<typeof createDatasetInput>): DatasetView {
    const rec: DatasetRecord = { id: `ds_${randomBytes(9).toString("base64url")}`, name: input.name, description: input.description ?? null, createdAt: this.now(), latestVersion: 0 };
    if (!this.store.insertDataset(rec)) throw new KeelError("invalid_request", `A dataset named "${input.name}" already exists.`, { param: "name" });
    return this.view(rec, false);
  }

  list(): DatasetView[] {
    return this.store.listDatasets().map((d) => this.view(d, false));
  }

  get(name: string): DatasetView {
    return this.view(this.record(name), true);
  }

  /** Items of a version (default: the latest), optionally one split or one tag. */
  items(name: string, o: { version?: number; split?: string; tag?: string } = {}): { version: number; items: DatasetItem[] } {
    const d = this.record(name);
    const version = o.version ?? d.latestVersion;
    if (version < 0 || version > d.latestVersion) throw new KeelError("not_found", `Dataset "${name}" has no version ${version} (latest is ${d.latestVersion}).`, { param: "version" });
    let items = this.store.items(d.id, version).map((s) => s.item);
    if (o.split) items = items.filter((i) => i.split === o.split);
    if (o.tag) items = items.filter((i) => i.tags.includes(o.tag!));
    return { version, items };
  }

  /**
   * Validates raw items and commits them as one new version. `append` adds new ids and replaces
   * changed ones; `replace` also removes every item not given. Identical items change nothing; a
   * call that changes nothing makes no version.
   */
  commit(name: string, raw: readonly unknown[], o: { mode: "append" | "replace"; note?: string }): CommitSummary {
    if (raw.length > MAX_ITEMS_PER_CALL) throw new KeelError("invalid_request", `At most ${MAX_ITEMS_PER_CALL} items per call.`, { param: "items" });
    const d = this.record(name);
    const incoming = new Map<string, StoredItem>();
    raw.forEach((r, i) => {
      const parsed = datasetItemSchema.safeParse(r);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const param = ["items", i, ...issue.path].map((p, k) => (typeof p === "number" ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`)).join("");
        throw new KeelError("invalid_request", `Invalid '${param}': ${issue.message}.`, { param });
      }
      const { id, ...content } = parsed.data;
      const item = { id: id ?? `itm_${sha256Hex(canonicalJson(content)).slice(0, 16)}`, ...content } as DatasetItem;
      if (incoming.has(item.id)) throw new KeelError("invalid_request", `Item id "${item.id}" appears twice (items[${i}]).`, { param: `items[${i}].id` });
      incoming.set(item.id, { item, hash: sha256Hex(canonicalJson(item)) });
    });
    const current = new Map(this.store.items(d.id, d.latestVersion).map((s) => [s.item.id, s]));
    const upsert: StoredItem[] = [];
    let added = 0;
    let updated = 0;
    for (const [id, s] of incoming) {
      const old = current.get(id);
      if (!old) added++;
      else if (old.hash !== s.hash) updated++;
      else continue;
      upsert.push(s);
    }
    const removeIds = o.mode === "replace" ? [...current.keys()].filter((id) => !incoming.has(id)) : [];
    const unchanged = incoming.size - added - updated;
    if (upsert.length === 0 && removeIds.length === 0) return { version: d.latestVersion, added: 0, updated: 0, removed: 0, unchanged, created: false };
    const v: DatasetVersionRecord = {
      version: d.latestVersion + 1, createdAt: this.now(), note: o.note ?? null,
      itemCount: current.size + added - removeIds.length, added: added + updated, removed: removeIds.length + updated,
    };
    this.store.commit(d.id, v, upsert, removeIds);
    return { version: v.version, added, updated, removed: removeIds.length, unchanged, created: true };
  }

  private record(name: string): DatasetRecord {
    const d = this.store.getDataset(name);
    if (!d) throw new KeelError("not_found", `No dataset named "${name.slice(0, 64)}".`, { param: "name" });
    return d;
  }

  private view(d: DatasetRecord, withVersions: boolean): DatasetView {
    const versions = this.store.versions(d.id);
    const view: DatasetView = {
      name: d.name, description: d.description, created_at: new Date(d.createdAt).toISOString(),
      latest_version: d.latestVersion, item_count: versions.at(-1)?.itemCount ?? 0,
    };
    if (withVersions) {
      view.versions = versions.map((v) => ({ version: v.version, created_at: new Date(v.createdAt).toISOString(), note: v.note, item_count: v.itemCount, added: v.added, removed: v.removed }));
    }
    return view;
  }
}
