import assert from "node:assert/strict";
import { FrameAccounting } from "../../../runtime/stats/frame_accounting.ts";
import { runTotals } from "../../../runtime/stats/run_totals.ts";

Deno.test("accounting without a distributor: every gap is this consumer's loss", () => {
  const acc = new FrameAccounting();
  acc.skipped(10);
  acc.received(11);
  acc.received(14); // 12, 13 lost somewhere: they were all ours
  acc.receivedAfterOverrun(20);
  const s = acc.snapshot();
  assert.equal(s.received, 3);
  assert.equal(s.overruns, 1);
  assert.equal(s.missed, 7);
  assert.deepEqual(s.missedIds, [{ first: 12, last: 13 }, { first: 15, last: 19 }]);
  assert.deepEqual(s.unattributedGaps, []);
});

Deno.test("accounting with a distributor, updates:1: gaps are others' frames unless the server folded", () => {
  const acc = new FrameAccounting({ distribution: { updates: 1 } });
  for (const id of [1, 4, 7]) acc.received(id); // 3 consumers round-robin
  acc.receivedAfterOverrun(13); // at least one of ours folded, but 8..12 mixes ours and others'
  const s = acc.snapshot();
  assert.equal(s.missed, 0);
  assert.deepEqual(s.unattributedGaps, [{ first: 8, last: 12 }]);
  assert.equal(s.overruns, 1);
});

Deno.test("accounting with a distributor, updates:4: the rest of a turn is certainly ours", () => {
  const acc = new FrameAccounting({ distribution: { updates: 4 } });
  // Turn 1..4 is ours; 2 arrives; then 7 arrives with overrun: 3 and 4 were ours, 5..6 may be anyone's.
  acc.received(1);
  acc.received(2);
  acc.receivedAfterOverrun(7);
  // Next turn of ours starts at 9 (another consumer took 5..8); no overrun: not a loss.
  acc.received(9);
  acc.received(10);
  acc.receivedAfterOverrun(12); // 11 inside the turn 9..12: ours
  const s = acc.snapshot();
  assert.deepEqual(s.missedIds, [{ first: 3, last: 4 }, { first: 11, last: 11 }]);
  assert.deepEqual(s.unattributedGaps, [{ first: 5, last: 6 }]);
  assert.equal(s.missed, 3);
});

Deno.test("accounting: a reconnect starts a new sequence; reset zeroes counters", () => {
  let t = 1000;
  const acc = new FrameAccounting({ clock: () => t });
  acc.received(5);
  acc.sequenceRestarted();
  acc.received(50); // no gap is judged across a reconnect
  acc.rejected();
  acc.delivered();
  t = 1001;
  acc.processed(5);
  acc.processFailed(50);
  acc.published();
  acc.publishFailed();
  acc.receiveFailed();
  let s = acc.snapshot();
  assert.deepEqual(
    [s.received, s.rejected, s.delivered, s.processed, s.processErrors, s.published, s.publishErrors],
    [2, 1, 1, 1, 1, 1, 1],
  );
  assert.equal(s.missed, 0);
  assert.deepEqual([s.firstObjectId, s.lastObjectId, s.firstObjectTime, s.lastObjectTime], [
    5,
    50,
    1001,
    1001,
  ]);
  assert.equal(s.receiveErrors, 1);
  t = 2000;
  acc.reset();
  s = acc.snapshot();
  assert.equal(s.startTime, 2000);
  assert.deepEqual([s.received, s.processed, s.missed, s.lastObjectId], [0, 0, 0, 0]);
  acc.received(52); // the sequence survived the reset: 51 is missed
  assert.deepEqual(acc.snapshot().missedIds, [{ first: 51, last: 51 }]);
});

Deno.test("run totals: published = processed + errors + rejected + pending + missed + unattributed", () => {
  const a = new FrameAccounting({ distribution: { updates: 1 } });
  const b = new FrameAccounting({ distribution: { updates: 1 } });
  for (const id of [1, 3, 5]) a.received(id);
  for (const id of [2, 4]) b.received(id);
  b.receivedAfterOverrun(8); // 6 and 7: ours or a's, unknown
  a.rejected();
  for (const id of [1, 3]) {
    a.delivered();
    a.processed(id);
  }
  b.delivered();
  b.processFailed(2);
  const t = runTotals(8, [a.snapshot(), b.snapshot()]);
  assert.deepEqual(t, {
    published: 8,
    processed: 2,
    processErrors: 1,
    rejected: 1,
    pending: 2,
    missed: 0,
    unattributed: 2,
  });
  assert.equal(
    t.processed + t.processErrors + t.rejected + t.pending + t.missed + t.unattributed,
    t.published,
  );
});
