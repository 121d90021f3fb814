/** bench:stream's command line: the full run's defaults, --quick's, filters, and errors naming the option. */
import assert from "node:assert/strict";
import { parseStreamBenchArgs, type StreamBenchOptions } from "../../../bench/stream/options.ts";

const parse = (argv: string[]) => parseStreamBenchArgs(argv) as StreamBenchOptions;

Deno.test("the full run measures every size, count and case over 15 s windows within 22 minutes of searching", () => {
  const o = parse([]);
  assert.deepEqual(o.sizes.map((s) => s.label), ["512x512 uint8", "1024x1024 uint16", "4096x4096 uint8"]);
  assert.deepEqual(o.consumerCounts, [1, 2]);
  assert.deepEqual(o.pipelines.map((p) => p.id), ["A", "B", "C", "D", "B-process"]);
  assert.equal(o.window, 15);
  assert.equal(o.budgetSeconds, 22 * 60);
});

Deno.test("--quick takes the smallest and largest frames with one consumer, unless told otherwise", () => {
  const q = parse(["--quick"]);
  assert.deepEqual(q.sizes.map((s) => s.nx), [512, 4096]);
  assert.deepEqual(q.consumerCounts, [1]);
  assert.ok(q.window < 15 && q.budgetSeconds < 10 * 60);
  const some = parse(["--quick", "--sizes", "1024", "--consumers", "2", "--cases", "B,A"]);
  assert.deepEqual(some.sizes.map((s) => s.nx), [1024]);
  assert.deepEqual(some.consumerCounts, [2]);
  assert.deepEqual(some.pipelines.map((p) => p.id), ["B", "A"]);
});

Deno.test("unknown values and options are errors naming them", () => {
  assert.throws(() => parse(["--sizes", "300"]), /--sizes: unknown 300/);
  assert.throws(() => parse(["--window", "0"]), /--window: not a positive number/);
  assert.throws(() => parse(["--frobnicate"]), /frobnicate/);
  assert.equal(parseStreamBenchArgs(["--help"]), "help");
});
