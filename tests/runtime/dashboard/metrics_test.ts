import assert from "node:assert/strict";
import {
  describe,
  eventCounts,
  formatNumber,
  queueFill,
  RateMeter,
} from "../../../runtime/http/dashboard/assets/metrics.js";
import { FrameAccounting, StatsReporter } from "../../../runtime/stats/mod.ts";
import { ConsumerStatusBuilder } from "../../../runtime/status/mod.ts";

/** A consumer status built by the real builder after `frames` frames, `missing` of them never received. */
function consumerStatus(frames: number, missing: number[], now: number) {
  const accounting = new FrameAccounting({ clock: () => now });
  for (let id = 1; id <= frames; id++) {
    if (missing.includes(id)) continue;
    accounting.received(id);
    accounting.delivered();
    accounting.processed(id);
  }
  const builder = new ConsumerStatusBuilder({ consumerId: 3, inputChannel: "det:image" });
  return builder.build(new StatsReporter().report(accounting.snapshot(), { now }), { now });
}

Deno.test("a consumer's status: counters by PvaPy's names, its name and queue", () => {
  const doc = consumerStatus(10, [4, 5], 100);
  assert.deepEqual(eventCounts(doc), [
    { label: "missed", value: 2 },
    { label: "overruns", value: 0 },
    { label: "rejected", value: 0 },
    { label: "errors", value: 0 },
  ]);
  assert.equal(describe(doc), "consumer 3 · det:image");
  assert.deepEqual(queueFill(doc), { queued: 0, delivered: 8, rejected: 0 });
});

Deno.test("rates come from counter changes over objectTime; a reset starts a new baseline", () => {
  const meter = new RateMeter();
  assert.equal(meter.update(consumerStatus(10, [], 100)), null, "nothing to compare the first with");
  const r = meter.update(consumerStatus(60, [], 102), { bytesPerFrame: 2_000_000 });
  assert.deepEqual(r, { time: 102, framesPerSecond: 25, megabytesPerSecond: 50 });
  assert.equal(meter.update(consumerStatus(5, [], 103)), null, "counters went back: a reset");
  assert.deepEqual(meter.update(consumerStatus(9, [], 104)), {
    time: 104,
    framesPerSecond: 4,
    megabytesPerSecond: null,
  });
});

Deno.test("a simulator's byte counter gives MB/s; the other kinds' names are read too", () => {
  const meter = new RateMeter();
  meter.update({ framesPublished: 100, bytesPublished: 100e6 }, { receivedAt: 10 });
  assert.deepEqual(meter.update({ framesPublished: 150, bytesPublished: 150e6 }, { receivedAt: 12 }), {
    time: 12,
    framesPerSecond: 25,
    megabytesPerSecond: 25,
  });
  const collector = { collectorId: 1, collectorStats: { nCollected: 7, nMissed: 2, nRejected: 1 } };
  assert.equal(describe(collector), "collector 1");
  assert.deepEqual(eventCounts(collector), [{ label: "missed", value: 2 }, { label: "rejected", value: 1 }]);
  assert.equal(queueFill(collector), null);
  assert.equal(new RateMeter().update({ nothing: 1 }), null);
  assert.equal(describe({}), "pvastream");
});

Deno.test("numbers read well at a glance", () => {
  assert.deepEqual(
    [1234567, 12345, 999, 12.345, 0.5, 250.4, null, NaN].map(formatNumber),
    ["1.23 M", "12.3 k", "999", "12.3", "0.500", "250", "—", "—"],
  );
});
