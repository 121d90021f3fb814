/**
 * Association of frames with metadata by time stamp (runtime/metadata MetadataAssociator): tolerance,
 * offset, values that arrive after their frame or never, values out of order, frames completed in
 * order, the bounds, and the exact accounting of every value.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { createLogger } from "../../../protocol/log.ts";
import type { TimeStamp } from "../../../protocol/nt/common.ts";
import { scalar, type Value } from "../../../protocol/pvdata/types.ts";
import {
  type AssociationOptions,
  MetadataAssociator,
  type MetadataTarget,
} from "../../../runtime/metadata/mod.ts";

const DOUBLE = scalar("float64");
const T0 = 1_780_000_000;

/** A time stamp `ms` milliseconds after T0. */
function stamp(ms: number): TimeStamp {
  const ns = Math.round(ms * 1e6);
  return { secondsPastEpoch: BigInt(T0 + Math.floor(ns / 1e9)), nanoseconds: ns % 1e9, userTag: 0 };
}

function frameAt(ms: number): MetadataTarget {
  return { timeStamp: stamp(ms), attributes: {} };
}

/** Offers `value` on channel `index`, stamped `ms` after T0. */
function offer(a: MetadataAssociator, index: number, ms: number, value: Value = ms): void {
  a.offer(index, { time: T0 + ms / 1000, value, type: DOUBLE });
}

function associator(channels: string[], options: AssociationOptions = {}): MetadataAssociator {
  return new MetadataAssociator(channels, { tolerance: 0.001, maxWait: 1, ...options });
}

Deno.test("metadata: a value with the frame's time stamp becomes an attribute named after its channel", () => {
  const a = associator(["motor:x", "temp"]);
  offer(a, 0, 10, 1.5);
  offer(a, 1, 10, "warm");
  const f = frameAt(10);
  assert.equal(a.attach(f), undefined, "nothing to wait for");
  assert.deepEqual(f.attributes, { "motor:x": 1.5, temp: "warm" });
  assert.deepEqual(f.attributeTypes, { "motor:x": DOUBLE, temp: DOUBLE });
  const [x] = a.stats();
  assert.equal(x.producerId, 1);
  assert.equal(x.channel, "motor:x");
  assert.deepEqual(x.associationStats, { nMatched: 1, nUnmatched: 0, nDiscarded: 0 });
  assert.equal(x.queueStats.nDelivered, 1);
  assert.equal(x.queueStats.nQueued, 0);
  a.close();
});

Deno.test("metadata: tolerance decides, the nearest value wins, and a frame keeps its own attributes", () => {
  const a = associator(["x"], { tolerance: 0.002 });
  offer(a, 0, 95, "too early");
  offer(a, 0, 99, "near");
  offer(a, 0, 100.5, "nearest");
  const f: MetadataTarget = { timeStamp: stamp(100), attributes: { ColorMode: 0 } };
  a.attach(f);
  assert.deepEqual(f.attributes, { ColorMode: 0, x: "nearest" });
  // 95 is older than the frame less the tolerance: no later frame can take it; 99 still could.
  assert.deepEqual(a.stats()[0].associationStats, { nMatched: 1, nUnmatched: 0, nDiscarded: 1 });

  offer(a, 0, 110, "later");
  const g = frameAt(107.9);
  assert.equal(a.attach(g), undefined, "a newer value shows that none will match: no wait");
  assert.deepEqual(g.attributes, {});
  assert.deepEqual(a.stats()[0].associationStats, { nMatched: 1, nUnmatched: 1, nDiscarded: 2 });
  assert.equal(a.stats()[0].queueStats.nQueued, 1);
  a.close();
});

Deno.test("metadata: the offset is added to metadata time stamps before matching", () => {
  const a = associator(["x"], { offset: 0.5 });
  offer(a, 0, 1000 - 500, 7);
  const f = frameAt(1000);
  a.attach(f);
  assert.deepEqual(f.attributes, { x: 7 });
  const b = associator(["x"], { offset: -0.25 });
  offer(b, 0, 1000, 8);
  const g = frameAt(750);
  assert.equal(b.attach(g), undefined);
  assert.deepEqual(g.attributes, { x: 8 });
  a.close();
  b.close();
});

Deno.test("metadata: a frame waits for a value that comes after it; frames behind it wait in order", async () => {
  const a = associator(["x", "y"]);
  offer(a, 1, 10, "y10");
  offer(a, 1, 20, "y20");
  const first = frameAt(10);
  const second = frameAt(20);
  const order: number[] = [];
  const p1 = a.attach(first);
  const p2 = a.attach(second);
  assert.ok(p1 && p2, "both wait: the first for x, the second behind it");
  p1.then(() => order.push(1));
  p2.then(() => order.push(2));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(order, [], "still waiting");
  assert.equal(a.pending, 2);
  offer(a, 0, 10, "x10");
  await p1;
  assert.equal(a.pending, 1, "the second waits for x20");
  offer(a, 0, 20, "x20");
  await p2;
  assert.deepEqual(order, [1, 2]);
  assert.deepEqual(first.attributes, { x: "x10", y: "y10" });
  assert.deepEqual(second.attributes, { x: "x20", y: "y20" });
  a.close();
});

Deno.test("metadata: frames closer than the tolerance wait for their own value, not a neighbour's", async () => {
  const a = associator(["x"], { tolerance: 0.005 });
  offer(a, 0, 100, "for 100");
  const f = frameAt(100.5);
  const p = a.attach(f);
  assert.ok(p, "100 lies within the tolerance, but a nearer value can still come");
  offer(a, 0, 100.5, "for 100.5");
  await p;
  assert.equal(f.attributes.x, "for 100.5");
  a.close();
});

Deno.test("metadata: metadata that never arrives delays one frame by the wait time, not every frame", async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", write: (line) => lines.push(line) });
  const a = associator(["dead", "live"], { maxWait: 0.1, logger });
  offer(a, 1, 10, 1);
  const t = performance.now();
  const f = frameAt(10);
  await a.attach(f);
  const waited = performance.now() - t;
  assert.ok(waited >= 95, `waited ${waited} ms`);
  assert.deepEqual(f.attributes, { live: 1 });
  offer(a, 1, 20, 2);
  const g = frameAt(20);
  assert.equal(a.attach(g), undefined, "the silent channel is not waited for again");
  assert.deepEqual(g.attributes, { live: 2 });
  const [dead, live] = a.stats();
  assert.deepEqual(dead.associationStats, { nMatched: 0, nUnmatched: 2, nDiscarded: 0 });
  assert.deepEqual(live.associationStats, { nMatched: 2, nUnmatched: 0, nDiscarded: 0 });
  // Once it speaks again, frames wait for it again.
  offer(a, 0, 25, "back");
  const h = frameAt(30);
  const p = a.attach(h);
  assert.ok(p, "waits for the channel again");
  offer(a, 0, 30, "x30");
  offer(a, 1, 30, 3);
  await p;
  assert.deepEqual(h.attributes, { dead: "x30", live: 3 });
  assert.equal(lines.length, 2, "told once when it fell behind, once when it came back");
  assert.match(lines[0], /behind the frames.*dead/);
  assert.match(lines[1], /sends again.*dead/);
  a.close();
});

Deno.test("metadata: values out of order are put in their place", () => {
  const a = associator(["x"]);
  for (const ms of [30, 10, 40, 20]) offer(a, 0, ms, ms);
  const frames = [10, 20, 30, 40].map(frameAt);
  for (const f of frames) assert.equal(a.attach(f), undefined);
  assert.deepEqual(frames.map((f) => f.attributes.x), [10, 20, 30, 40]);
  a.close();
});

Deno.test("metadata: values older than the last frame are discarded at once (other consumers' frames)", () => {
  // Consumer 1 of 2: it sees the odd frames; the values come for every frame, before it.
  const a = associator(["x"]);
  const n = 1000;
  let frames = 0;
  for (let id = 1; id <= n; id++) {
    offer(a, 0, id, id);
    if (id % 2 === 1) {
      const f = frameAt(id);
      assert.equal(a.attach(f), undefined);
      assert.equal(f.attributes.x, id);
      frames++;
    }
    assert.ok(a.stats()[0].queueStats.nQueued <= 2, "the buffer stays short");
  }
  // Then a value for an older frame arrives late: dropped on arrival.
  offer(a, 0, 500, "late");
  const s = a.stats()[0];
  assert.equal(s.receiverStats.nReceived, n + 1);
  assert.equal(s.queueStats.nDelivered, frames);
  assert.equal(
    s.associationStats.nDiscarded,
    n / 2 - 1 + 1,
    "every even value but the last, and the late one",
  );
  assert.equal(s.queueStats.nQueued, 1, "the value of frame 1000 may still find a frame");
  assert.equal(s.queueStats.nRejected, s.associationStats.nDiscarded);
  a.close();
});

Deno.test("metadata: the buffer and the waiting frames are bounded", async () => {
  const a = associator(["x"], { capacity: 3, maxPending: 2 });
  for (let ms = 1; ms <= 5; ms++) offer(a, 0, ms);
  let s = a.stats()[0];
  assert.equal(s.queueStats.nRejected, 2, "the two oldest went");
  assert.equal(s.associationStats.nDiscarded, 0);
  assert.equal(s.queueStats.nQueued, 3);
  const waiting = [10, 11].map((ms) => a.attach(frameAt(ms)));
  assert.equal(a.pending, 2);
  // A third frame sends the first on without its value; the channel, now known to lag, is not
  // waited for by the others.
  waiting.push(a.attach(frameAt(12)));
  assert.equal(a.pending, 0);
  await Promise.all(waiting);
  a.close();
  s = a.stats()[0];
  assert.deepEqual(s.associationStats, { nMatched: 0, nUnmatched: 3, nDiscarded: 3 });
  assert.equal(s.queueStats.nRejected, 5, "dropped for room, then as too old");
  assert.equal(a.attach(frameAt(13)), undefined, "closed: frames go on at once");
});

Deno.test("metadata: options out of range are refused", () => {
  assert.throws(() => new MetadataAssociator(["x"], { tolerance: -1 }), RangeError);
  assert.throws(() => new MetadataAssociator(["x"], { maxWait: -0.1 }), RangeError);
  assert.throws(() => new MetadataAssociator(["x"], { maxPending: 0 }), RangeError);
  assert.throws(() => new MetadataAssociator(["x"], { capacity: 0 }), RangeError);
});

Deno.test("metadata: every value is accounted for, and matches lie within the tolerance (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 60 }),
      fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 40 }),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 1, max: 20 }),
      (values, frameTimes, toleranceMs, capacity) => {
        const a = associator(["x"], { tolerance: toleranceMs / 1000, maxWait: 0, capacity });
        for (const ms of values) offer(a, 0, ms);
        for (const ms of [...frameTimes].sort((p, q) => p - q)) {
          const f = frameAt(ms);
          a.attach(f);
          const got = f.attributes.x;
          if (got !== undefined) assert.ok(Math.abs((got as number) - ms) <= toleranceMs + 1e-6);
        }
        const s = a.stats()[0];
        const { nDelivered, nRejected, nQueued } = s.queueStats;
        assert.equal(s.queueStats.nReceived, values.length);
        assert.equal(nDelivered + nRejected + nQueued, values.length);
        assert.equal(s.associationStats.nMatched + s.associationStats.nUnmatched, frameTimes.length);
        a.close();
      },
    ),
    { numRuns: 300 },
  );
});
