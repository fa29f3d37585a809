import assert from "node:assert/strict";
import { test } from "node:test";
import { promtoolCheck } from "../../testing/promtool.js";
import { Counter, PromRegistry } from "./prom-registry.js";

test("counters, gauges and cumulative histograms render in text format 0.0.4", () => {
  const r = new PromRegistry();
  const c = r.counter("demo_requests_total", "Requests.", ["route"]);
  const g = r.gauge("demo_queue_depth", "Queue depth.");
  const h = r.histogram("demo_duration_seconds", "Duration.", ["route"], [0.1, 1]);
  c.inc(["a"]);
  c.inc(["a"], 2);
  c.inc(["b"], -5); // ignored: counters never go down
  g.set([], 7);
  h.observe(["a"], 0.05);
  h.observe(["a"], 0.5);
  h.observe(["a"], 5);
  const text = r.render();
  assert.match(text, /^demo_requests_total\{route="a"\} 3$/m);
  assert.doesNotMatch(text, /route="b"/);
  assert.match(text, /^demo_queue_depth 7$/m);
  assert.match(text, /^demo_duration_seconds_bucket\{route="a",le="0.1"\} 1$/m);
  assert.match(text, /^demo_duration_seconds_bucket\{route="a",le="1"\} 2$/m);
  assert.match(text, /^demo_duration_seconds_bucket\{route="a",le="\+Inf"\} 3$/m);
  assert.match(text, /^demo_duration_seconds_sum\{route="a"\} 5.55$/m);
  assert.match(text, /^demo_duration_seconds_count\{route="a"\} 3$/m);
  const check = promtoolCheck(text);
  assert.ok(check.ok, check.output);
});

test("label values are escaped; names are checked at registration", () => {
  const r = new PromRegistry();
  r.counter("demo_total", "Help with \\ and\nnewline.", ["v"]).inc(['quote " back \\ nl \n']);
  const text = r.render();
  assert.ok(text.includes('demo_total{v="quote \\" back \\\\ nl \\n"} 1'), text);
  assert.ok(text.includes("# HELP demo_total Help with \\\\ and\\nnewline."));
  assert.ok(promtoolCheck(text).ok);
  assert.throws(() => new Counter("demo_requests", "x"), /_total/);
  assert.throws(() => r.counter("demo_total", "again"), /twice/);
  assert.throws(() => r.histogram("demo_h", "x", [], [1, 1]), /increase/);
});
