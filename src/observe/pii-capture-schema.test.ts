import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../config/load.js";
import { resolvePiiPolicy } from "./pii-policy.js";

const load = (capture: unknown) => loadConfig({ inline: { capture }, env: {} });

test("an unknown capture.pii value fails with its key path and the allowed values", () => {
  assert.throws(() => load({ pii: "redact" }), /capture\.pii: Invalid option: expected one of "mask"\|"hash"\|"keep"/);
  assert.throws(() => load({ routes: { support: { pii: "scrub" } } }), /capture\.routes\.support\.pii: Invalid option: expected one of "mask"\|"hash"\|"keep"/);
  assert.throws(() => load({ keys: { batch: { pii: true } } }), /capture\.keys\.batch\.pii: Invalid option/);
});

test("keep_types takes only lower-risk classes: a card is never kept under mask or hash", () => {
  assert.throws(() => load({ keep_types: ["CREDIT_CARD"] }), /capture\.keep_types\[0\]: CREDIT_CARD is a high-risk class and is always masked under mask and hash/);
  assert.throws(() => load({ keep_types: ["NAME"] }), /capture\.keep_types\[0\]: unknown PII class "NAME"; expected one of EMAIL, PHONE, PERSON, STREET_ADDRESS, IP_ADDRESS, DATE_OF_BIRTH/);
  assert.deepEqual(load({ keep_types: ["PERSON"] }).capture.keep_types, ["PERSON"]);
});

test("default mask; a key's policy wins over its route's, a route's over the default", () => {
  const cfg = load({ routes: { support: { pii: "hash" } }, keys: { batch: { pii: "keep" }, key_abc: { pii: "mask", keep_types: ["EMAIL"] } } }).capture;
  assert.deepEqual(resolvePiiPolicy(loadConfig({ inline: {}, env: {} }).capture, { keyId: null, keyName: null, model: "x" }), { mode: "mask", keep: [] });
  assert.equal(resolvePiiPolicy(cfg, { keyId: "key_1", keyName: "other", model: "support" }).mode, "hash");
  assert.equal(resolvePiiPolicy(cfg, { keyId: "key_1", keyName: "batch", model: "support" }).mode, "keep");
  assert.deepEqual(resolvePiiPolicy(cfg, { keyId: "key_abc", keyName: "batch", model: "support" }), { mode: "mask", keep: ["EMAIL"] });
  assert.equal(resolvePiiPolicy(cfg, { keyId: null, keyName: "constructor", model: "toString" }).mode, "mask", "only configured names match");
});
