import assert from "node:assert/strict";
import { isFrame, ntNDArrayType, ProcessorError, ProcessorHost } from "../../../mod.ts";
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
    /several processors \(BadStats, Declared, Lifecycle\)/,
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
