import { test } from "node:test";
import assert from "node:assert/strict";
import type { DatasetItem } from "./item-schema.js";
import { type DatasetStore, VersionConflictError } from "./types.js";

const item = (id: string, input: string): { item: DatasetItem; hash: string } => ({
  item: { id, input, tags: [], provenance: { source: "human" } } as DatasetItem,
  hash: `h-${id}-${input}`,
});

/** The `DatasetStore` contract, run by the test of every implementation. */
export function datasetStoreContract(label: string, make: () => DatasetStore): void {
  test(`${label}: names are unique; listing is by name`, () => {
    const s = make();
    assert.equal(s.insertDataset({ id: "d1", name: "b", description: null, createdAt: 1, latestVersion: 0 }), true);
    assert.equal(s.insertDataset({ id: "d2", name: "b", description: null, createdAt: 2, latestVersion: 0 }), false);
    s.insertDataset({ id: "d3", name: "a", description: "x", createdAt: 3, latestVersion: 0 });
    s.insertDataset({ id: "d4", name: "B", description: null, createdAt: 4, latestVersion: 0 });
    assert.deepEqual(s.listDatasets().map((d) => d.name), ["B", "a", "b"], "bytewise, whatever the database's collation");
    assert.equal(s.insertDataset({ id: "d1", name: "new", description: null, createdAt: 5, latestVersion: 0 }), false, "a taken id is refused too");
    assert.equal(s.getDataset("nope"), undefined);
  });

  test(`${label}: every version stays readable; an update keeps its position; removal hides from later versions only`, () => {
    const s = make();
    s.insertDataset({ id: "d", name: "qa", description: null, createdAt: 1, latestVersion: 0 });
    const v = (version: number, itemCount: number) => ({ version, createdAt: version, note: null, itemCount, added: 0, removed: 0 });
    s.commit("d", v(1, 3), [item("x", "1"), item("y", "1"), item("z", "1")], []);
    s.commit("d", v(2, 3), [item("x", "2")], []);
    s.commit("d", v(3, 2), [], ["y"]);
    const ids = (ver: number): string[] => s.items("d", ver).map((i) => `${i.item.id}${i.item.input}`);
    assert.deepEqual(ids(1), ["x1", "y1", "z1"]);
    assert.deepEqual(ids(2), ["x2", "y1", "z1"], "x updated in place");
    assert.deepEqual(ids(3), ["x2", "z1"]);
    assert.deepEqual(ids(0), []);
    assert.equal(s.getDataset("qa")!.latestVersion, 3);
    assert.deepEqual(s.versions("d").map((x) => x.version), [1, 2, 3]);
    assert.equal(s.items("d", 2)[0].hash, "h-x-2");
  });

  test(`${label}: a commit that is not latest + 1 is a conflict and changes nothing`, () => {
    const s = make();
    s.insertDataset({ id: "d", name: "c", description: null, createdAt: 1, latestVersion: 0 });
    assert.throws(() => s.commit("d", { version: 2, createdAt: 1, note: null, itemCount: 1, added: 1, removed: 0 }, [item("a", "1")], []), VersionConflictError);
    assert.equal(s.getDataset("c")!.latestVersion, 0);
    assert.deepEqual(s.versions("d"), []);
  });
}
