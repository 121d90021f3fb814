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
  acc.skipped(0); // the current value: in no turn
  // A gap without overrun bits: another consumer's turn 1..4 passed, ours is 5..8.
  acc.received(5);
  acc.received(6);
  acc.receivedAfterOverrun(11); // 7 and 8 were ours; 9..10 may be anyone's
  // 11 may sit anywhere in a later turn: the next gap without overrun bits tells again.
  acc.received(13);
  acc.received(14);
  acc.receivedAfterOverrun(16); // 15 inside the turn 13..16: ours
  const s = acc.snapshot();
  assert.deepEqual(s.missedIds, [{ first: 7, last: 8 }, { first: 15, last: 15 }]);
  assert.deepEqual(s.unattributedGaps, [{ first: 9, last: 10 }]);
  assert.equal(s.missed, 3);
});

Deno.test("accounting with a distributor, updates:3: the current value starts no turn", () => {
  const acc = new FrameAccounting({ distribution: { updates: 3 } });
  acc.skipped(0);
  for (const id of [1, 2, 3]) acc.received(id); // whether 1 began a turn is unknown
  acc.receivedAfterOverrun(9); // another consumer had 4..6; 7..8 are not known to be ours
  const s = acc.snapshot();
  assert.equal(s.missed, 0);
  assert.deepEqual(s.unattributedGaps, [{ first: 4, last: 8 }]);
});

Deno.test("accounting with a distributor, updates:3: after an overrun past its turn a consumer names nothing", () => {
  const acc = new FrameAccounting({ distribution: { updates: 3 } });
  acc.skipped(0);
  acc.received(4); // turn 4..6
  acc.receivedAfterOverrun(12); // 5..6 ours; 12 ends the turn 10..12, which the ids cannot tell
  acc.receivedAfterOverrun(17); // the turn 16..18 began after another's 13..15: 13..16 unattributed
  const s = acc.snapshot();
  assert.deepEqual(s.missedIds, [{ first: 5, last: 6 }]);
  assert.deepEqual(s.unattributedGaps, [{ first: 7, last: 11 }, { first: 13, last: 16 }]);
});

Deno.test("accounting: across a reconnect the ids published meanwhile are missed; ids going back restart", () => {
  const acc = new FrameAccounting();
  acc.received(5);
  acc.resubscribed();
  acc.skipped(9); // the restarted server's current value, never processed here: not counted as skipped
  acc.received(10);
  acc.resubscribed();
  acc.skipped(3); // the source restarted its ids: a new sequence, no gap
  acc.received(4);
  const s = acc.snapshot();
  assert.deepEqual(s.missedIds, [{ first: 6, last: 8 }]);
  assert.equal(s.skipped, 0);
  const shared = new FrameAccounting({ distribution: { updates: 2 } });
  shared.received(5);
  shared.resubscribed();
  shared.received(12); // with a distributor the frames 6..11 may have gone to anyone
  assert.deepEqual(shared.snapshot().missedIds, []);
  assert.deepEqual(shared.snapshot().unattributedGaps, [{ first: 6, last: 11 }]);
});

Deno.test("accounting: reset zeroes counters", () => {
  let t = 1000;
  const acc = new FrameAccounting({ clock: () => t });
  acc.received(5);
  acc.received(6);
  acc.rejected();
  acc.delivered();
  t = 1001;
  acc.processed(5);
  acc.processFailed(6);
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
    6,
    1001,
    1001,
  ]);
  assert.equal(s.receiveErrors, 1);
  t = 2000;
  acc.reset();
  s = acc.snapshot();
  assert.equal(s.startTime, 2000);
  assert.deepEqual([s.received, s.processed, s.missed, s.lastObjectId], [0, 0, 0, 0]);
  acc.received(8); // the sequence survived the reset: 7 is missed
  assert.deepEqual(acc.snapshot().missedIds, [{ first: 7, last: 7 }]);
});

Deno.test("run totals: published = processed + errors + rejected + skipped + pending + missed + unattributed", () => {
  const a = new FrameAccounting({ distribution: { updates: 1 } });
  const b = new FrameAccounting({ distribution: { updates: 1 } });
  a.skipped(0); // the current value: published before the run
  for (const id of [1, 3, 5]) a.received(id);
  b.skipped(0);
  b.skipped(2); // --skip-initial-updates 2: a frame of the run, not processed on purpose
  b.received(4);
  b.receivedAfterOverrun(8); // 6 and 7: ours or a's, unknown
  a.rejected();
  for (const id of [1, 3]) {
    a.delivered();
    a.processed(id);
  }
  b.delivered();
  b.processFailed(4);
  const t = runTotals(8, [a.snapshot(), b.snapshot()]);
  assert.deepEqual(t, {
    published: 8,
    processed: 2,
    processErrors: 1,
    rejected: 1,
    skipped: 1,
    pending: 1,
    missed: 0,
    unattributed: 2,
  });
  assert.equal(
    t.processed + t.processErrors + t.rejected + t.skipped + t.pending + t.missed + t.unattributed,
    t.published,
  );
});
