import assert from "node:assert/strict";
import fc from "fast-check";
import { IdRanges } from "../../../runtime/stats/id_ranges.ts";

Deno.test("IdRanges: neighbours merge, others start a range, the count is exact", () => {
  const r = new IdRanges();
  r.add(3);
  r.addRange(4, 6);
  r.add(9);
  r.add(2); // a restarted source
  assert.deepEqual(r.toArray(), [{ first: 3, last: 6 }, { first: 9, last: 9 }, { first: 2, last: 2 }]);
  assert.equal(r.count, 6);
  assert.throws(() => r.addRange(10, 9), /id range 10..9 is empty/);
});

Deno.test("IdRanges: bounded, the oldest ranges go and their ids stay counted", () => {
  const r = new IdRanges({ maxRanges: 2 });
  for (const id of [1, 3, 5, 7]) r.add(id);
  assert.deepEqual(r.toArray(), [{ first: 5, last: 5 }, { first: 7, last: 7 }]);
  assert.equal(r.count, 4);
  assert.equal(r.droppedCount, 2);
  r.clear();
  assert.equal(r.count, 0);
  assert.deepEqual(r.toArray(), []);
  assert.throws(() => new IdRanges({ maxRanges: 0 }), /maxRanges/);
});

Deno.test("IdRanges: every increasing id set is kept exactly when within the bound", () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { maxLength: 100 }), (ids) => {
    const sorted = [...ids].sort((a, b) => a - b);
    const r = new IdRanges({ maxRanges: 100 });
    for (const id of sorted) r.add(id);
    const back = r.toArray().flatMap(({ first, last }) =>
      Array.from({ length: last - first + 1 }, (_, i) => first + i)
    );
    assert.deepEqual(back, sorted);
    assert.equal(r.count, sorted.length);
  }));
});
