import assert from "node:assert/strict";
import {
  createLogger,
  isFrame,
  type Isolation,
  ntNDArrayType,
  ProcessorError,
  ProcessorHost,
} from "../../../mod.ts";
import { fixture, testFrame, withHost } from "./helpers.ts";

const file = fixture("lifecycle.ts");

Deno.test("lifecycle: configure and a stats check at start, then calls in the order made", async () => {
  await withHost({ file, className: "Lifecycle", args: { tag: "a" } }, async (host) => {
    await host.process(testFrame());
    await host.resetStats();
    await host.configure({ tag: "b" });
    const s = await host.stats();
    assert.equal(s.calls, "configure,stats,process,resetStats,configure,stats");
    assert.equal(s.tag, "b");
  });
});

Deno.test("lifecycle: stop reaches the processor, and the host refuses calls afterwards", async () => {
  const host = new ProcessorHost({ file, className: "Lifecycle", args: { tag: "fail-stop" } });
  await host.start();
  await host.process(testFrame());
  await assert.rejects(host.stop(), /stop after configure,stats,process/);
  await assert.rejects(host.process(testFrame()), (e: ProcessorError) => e.kind === "stopped");
});

Deno.test("outputs: none, one or many per frame, in order; the type comes from the first output", async () => {
  await withHost({ file, className: "Lifecycle" }, async (host) => {
    assert.equal(host.outputType, undefined);
    assert.deepEqual(await host.process(testFrame({ outputs: "0" })), []);
    assert.equal(host.outputType, undefined);
    const three = await host.process(testFrame({ outputs: "3" }, undefined, 7));
    assert.deepEqual(three.map((o) => isFrame(o) && o.uniqueId), [70, 71, 72]);
    assert.equal(host.outputType, ntNDArrayType);
    await assert.rejects(
      host.process(testFrame({ outputs: "1", kind: "pv" })),
      (e: ProcessorError) => e.kind === "output" && /NTNDArray/.test(e.message),
    );
    assert.equal(host.counters.errors, 1);
  });
});

Deno.test("outputs: a declared type holds from the start and rejects other outputs", async () => {
  await withHost({ file, className: "Declared" }, async (host) => {
    assert.deepEqual(host.outputType, { kind: "scalar", type: "float64" });
    const pv = await host.process(testFrame({ outputs: "2", kind: "pv" }));
    assert.deepEqual(pv, [{ type: { kind: "scalar", type: "float64" }, value: 0 }, {
      type: { kind: "scalar", type: "float64" },
      value: 1,
    }]);
    await assert.rejects(
      host.process(testFrame({ outputs: "1" })),
      (e: ProcessorError) => e.kind === "output",
    );
  });
});

Deno.test("stats: a value that does not match its declared type fails the start, naming the key", async () => {
  const host = new ProcessorHost({ file, className: "BadStats" });
  await assert.rejects(host.start(), (e: ProcessorError) => {
    assert.equal(e.kind, "stats");
    assert.equal(e.key, "nPeaks");
    assert.match(e.message, /stats key nPeaks: expected uint, got "7"/);
    return true;
  });
  await assert.rejects(host.process(testFrame()), (e: ProcessorError) => e.kind === "stopped");
});

Deno.test("load: a missing export, or several processors without --processor-class, fail the start", async () => {
  await assert.rejects(
    new ProcessorHost({ file, className: "Nope" }).start(),
    /the module has no export Nope/,
  );
  await assert.rejects(
    new ProcessorHost({ file }).start(),
    /several processors \(BadStats, Chatty, Declared, Lifecycle, Sequential\)/,
  );
});

Deno.test("userStatsType is built from the declaration", async () => {
  await withHost({ file, className: "Lifecycle" }, (host) => {
    assert.deepEqual(host.userStatsType.fields.map((f) => [f.name, f.type]), [
      ["calls", { kind: "scalar", type: "string" }],
      ["tag", { kind: "scalar", type: "string" }],
    ]);
    return Promise.resolve();
  });
});

Deno.test("frames in flight together are processed one at a time, in order; waiting ones are not timed", async () => {
  await withHost({ file, className: "Sequential", timeLimitMs: 400 }, async (host) => {
    const ids = [1, 2, 3, 4, 5, 6];
    // Six calls of 150 ms: 900 ms in all, each within the 400 ms limit.
    const results = await Promise.all(ids.map((id) => host.process(testFrame({ ms: "150" }, undefined, id))));
    assert.deepEqual(results.map(([o]) => (o as { value: number }).value), ids.map((id) => id * 10 + 1));
    assert.equal(host.counters.timeouts, 0);
  });
});

Deno.test("the time limit still catches a hang that follows many quick calls", async () => {
  await withHost({ file, className: "Sequential", timeLimitMs: 300 }, async (host) => {
    const quick = Array.from(
      { length: 20 },
      (_, i) => host.process(testFrame({ ms: "1" }, undefined, i + 1)),
    );
    const hang = host.process(testFrame({ ms: "5000" }, undefined, 99));
    await Promise.all(quick);
    assert.equal(host.counters.timeouts, 0);
    await assert.rejects(hang, (e: ProcessorError) => e.kind === "timeout");
    assert.equal(host.counters.timeouts, 1);
  });
});

for (const [isolation, level] of [["worker", "warn"], ["process", "info"]] as [Isolation, string][]) {
  Deno.test(`${isolation}: the processor's console output reaches the host's logger`, async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) });
    await withHost({ file, className: "Chatty", isolation, logger }, async (host) => {
      await host.process(testFrame({}, undefined, 5));
      await host.process(testFrame({}, undefined, 6)); // the child's stderr may lag its reply
      for (let i = 0; i < 50 && !lines.some((l) => l.includes("frame 5")); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    const record = lines.map((l) => JSON.parse(l)).find((r) => String(r.line).startsWith("frame 5"));
    assert.ok(record, `no "frame 5" among ${lines.length} log lines`);
    assert.equal(record.message, "processor output");
    assert.equal(record.level, level);
    assert.match(record.line, /shape: \[ 4, 4 \]/);
  });
}
