import assert from "node:assert/strict";
import { FrameAccounting } from "../../../runtime/stats/frame_accounting.ts";
import { StatsReporter } from "../../../runtime/stats/stats_report.ts";

Deno.test("stats report: PvaPy's names and order, rates per report period", () => {
  let t = 100;
  const acc = new FrameAccounting({ clock: () => t });
  const reporter = new StatsReporter();
  for (let id = 1; id <= 4; id++) acc.received(id);
  acc.rejected();
  for (let id = 1; id <= 3; id++) {
    acc.delivered();
    acc.processed(id);
  }
  t = 102;
  const first = reporter.report(acc.snapshot(), { now: t });
  assert.deepEqual(Object.keys(first), ["receiverStats", "publisherStats", "queueStats", "processorStats"]);
  assert.deepEqual(Object.keys(first.receiverStats), [
    "nReceived",
    "receivedRate",
    "nRejected",
    "rejectedRate",
    "nErrors",
    "errorRate",
    "nOverruns",
    "overrunRate",
  ]);
  assert.equal(first.receiverStats.receivedRate, 2); // 4 in the 2 s since start
  assert.deepEqual(first.queueStats, { nReceived: 4, nRejected: 1, nDelivered: 3, nQueued: 0 });
  assert.equal(first.processorStats.runtime, 2);
  assert.equal(first.processorStats.nProcessed, 3);
  assert.equal(first.processorStats.receivingTime, 0);

  acc.received(6);
  t = 106;
  const second = reporter.report(acc.snapshot(), { now: t });
  assert.equal(second.receiverStats.receivedRate, 0.25); // 1 in the 4 s since the previous report
  assert.equal(second.processorStats.nMissed, 1);
  assert.equal(second.processorStats.missedRate, 0.25);
  assert.equal(second.queueStats.nQueued, 1);

  t = 110;
  acc.reset(); // a new period starts at the reset
  acc.received(7);
  const third = reporter.report(acc.snapshot(), { now: 112, endTime: 111 });
  assert.equal(third.receiverStats.receivedRate, 0.5);
  assert.equal(third.processorStats.runtime, 1);
  assert.equal(third.processorStats.endTime, 111);
});
