/**
 * The collector's re-ordering and release rule (runtime/collector/collection.ts, reorder_cache.ts):
 * PvaPy's runs from the lowest cached id, release when full or idle, late ids rejected, gaps missed
 * and named; and a property over any interleaving of producers.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Collection } from "../../../runtime/collector/collection.ts";
import { cacheCapacity, producerQueueSize, ReorderCache } from "../../../runtime/collector/reorder_cache.ts";

const update = (id: number, producerId = 1) => ({ id, producerId, item: `${producerId}:${id}` });
const ids = (releases: { updates: { id: number }[] }[]) =>
  releases.flatMap((r) => r.updates.map((u) => u.id));

Deno.test("cache: releases the longest run of consecutive ids from the lowest cached id", () => {
  const cache = new ReorderCache<string>();
  for (const id of [7, 3, 4, 9, 5, 8]) assert.equal(cache.add(update(id)), "cached");
  assert.equal(cache.size, 6);
  assert.deepEqual(cache.release()?.updates.map((u) => u.id), [3, 4, 5]);
  assert.equal(cache.lastReleased, 5);
  const next = cache.release()!;
  assert.deepEqual(next.updates.map((u) => u.id), [7, 8, 9]);
  assert.deepEqual(next.missed, { first: 6, last: 6 });
  assert.equal(cache.release(), undefined);
  assert.equal(cache.size, 0);
});

Deno.test("cache: ids at or below the last released are late; a producer's repeated id is a duplicate", () => {
  const cache = new ReorderCache<string>();
  cache.add(update(4));
  cache.release();
  assert.equal(cache.add(update(4, 2)), "late");
  assert.equal(cache.add(update(2)), "late", "rejected even with an empty cache");
  assert.equal(cache.add(update(6, 1)), "cached");
  assert.equal(cache.add(update(6, 1)), "duplicate");
  assert.equal(cache.add(update(6, 2)), "cached", "tiles: the same id from another producer");
  const r = cache.release()!;
  assert.deepEqual(r.updates.map((u) => u.item), ["1:6", "2:6"]);
  assert.deepEqual(r.missed, { first: 5, last: 5 });
  cache.restart();
  assert.equal(cache.add(update(1)), "cached", "after a restart ids may start again");
});

Deno.test("cache sizes follow PvaPy: -1 is 10 per producer, never below the producer count", () => {
  assert.equal(cacheCapacity(-1, 3), 30);
  assert.equal(cacheCapacity(0, 3), 3);
  assert.equal(cacheCapacity(2, 3), 3);
  assert.equal(cacheCapacity(7, 3), 7);
  assert.equal(producerQueueSize(-1, 30), -1);
  assert.equal(producerQueueSize(0, 30), 0);
  assert.equal(producerQueueSize(10, 30), 300);
  assert.equal(producerQueueSize(1000, 30), 1000);
});

Deno.test("collection: releases while full, one run per idle period, everything at the end", () => {
  let now = 0;
  const c = new Collection<string>({ capacity: 3, idleMs: 5000, clock: () => now });
  c.add(update(2, 2));
  c.add(update(4, 2));
  assert.deepEqual(c.releaseDue(), []);
  c.add(update(1, 1));
  // Full: the run [1, 2] leaves one update, below the capacity, so one run only.
  assert.deepEqual(ids(c.releaseDue()), [1, 2]);
  assert.equal(c.cached, 1);
  now = 4999;
  assert.equal(c.releaseIdle(), undefined, "not idle long enough");
  now = 5000;
  const idle = c.releaseIdle()!;
  assert.deepEqual(idle.updates.map((u) => u.id), [4]);
  assert.deepEqual(idle.missed, { first: 3, last: 3 });
  c.add(update(6, 1));
  c.add(update(8, 1));
  now = 9000;
  assert.equal(c.releaseIdle(), undefined, "the idle time restarts with each change");
  assert.deepEqual(ids(c.releaseAll()), [6, 8]);
  assert.deepEqual(c.counts(), {
    collected: 5,
    rejected: 0,
    missed: 3,
    cached: 0,
    missedIds: [{ first: 3, last: 3 }, { first: 5, last: 5 }, { first: 7, last: 7 }],
  });
});

Deno.test("collection: rejected updates are counted; reset starts a new sequence", () => {
  const c = new Collection<string>({ capacity: 1 });
  c.add(update(5));
  assert.deepEqual(ids(c.releaseDue()), [5]);
  assert.equal(c.add(update(3, 2)), "late");
  assert.equal(c.counts().rejected, 1);
  c.reset();
  assert.deepEqual(c.counts(), { collected: 0, rejected: 0, missed: 0, cached: 0, missedIds: [] });
  assert.equal(c.add(update(1)), "cached");
  assert.throws(() => c.capacity = 0, RangeError);
});

/**
 * A run: ids 1..n dealt to producers, some lost, each producer's ids in order but the producers
 * interleaved at random; releases when full, idle releases at random moments, the rest at the end.
 */
const runArb = fc.record({
  n: fc.integer({ min: 1, max: 120 }),
  producers: fc.integer({ min: 1, max: 4 }),
  capacity: fc.integer({ min: 1, max: 25 }),
  seed: fc.array(fc.nat(), { minLength: 400, maxLength: 400 }),
  lossPercent: fc.integer({ min: 0, max: 30 }),
});

Deno.test("property: released ids strictly increase; every id is released or named missed exactly once", () => {
  fc.assert(
    fc.property(runArb, ({ n, producers, capacity, seed, lossPercent }) => {
      let k = 0;
      const rnd = () => seed[k++ % seed.length];
      const queues: number[][] = Array.from({ length: producers }, () => []);
      const lost = new Set<number>();
      for (let id = 1; id <= n; id++) {
        if (rnd() % 100 < lossPercent) lost.add(id);
        else queues[rnd() % producers].push(id);
      }
      let now = 0;
      const c = new Collection<string>({ capacity, idleMs: 10, clock: () => now });
      const released: number[] = [];
      const missed: number[] = [];
      const take = (rs: { updates: { id: number }[]; missed?: { first: number; last: number } }[]) => {
        for (const r of rs) {
          if (r.missed) { for (let id = r.missed.first; id <= r.missed.last; id++) missed.push(id); }
          released.push(...r.updates.map((u) => u.id));
        }
      };
      const arrived: number[] = [];
      while (queues.some((q) => q.length > 0)) {
        const busy = queues.map((q, p) => [q, p] as const).filter(([q]) => q.length > 0);
        const [q, p] = busy[rnd() % busy.length];
        const id = q.shift()!;
        arrived.push(id);
        c.add(update(id, p + 1));
        take(c.releaseDue());
        if (rnd() % 7 === 0) {
          now += 10;
          const r = c.releaseIdle();
          if (r) take([r]);
        }
      }
      take(c.releaseAll());
      for (let i = 1; i < released.length; i++) {
        assert.ok(released[i] > released[i - 1], `order: ${released}`);
      }
      const counts = c.counts();
      assert.equal(counts.collected, released.length);
      assert.equal(counts.collected + counts.rejected, arrived.length, "every arrival collected or rejected");
      assert.equal(counts.missed, missed.length);
      if (released.length === 0) return;
      // Between the first and the last released id, each id exactly once: released or missed.
      const seen = [...released, ...missed].sort((a, b) => a - b);
      const first = released[0];
      const last = released[released.length - 1];
      assert.deepEqual(seen, Array.from({ length: last - first + 1 }, (_, i) => first + i));
      // A lost id in that span is named missed; a missed id never arrived in time (lost or rejected).
      for (const id of lost) if (id > first && id < last) assert.ok(missed.includes(id), `lost ${id} named`);
      assert.equal(counts.missedIds.reduce((s, r) => s + r.last - r.first + 1, 0), missed.length);
    }),
    { numRuns: 500 },
  );
});
