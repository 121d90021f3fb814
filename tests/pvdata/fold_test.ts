/**
 * foldChange: the one queue-folding rule of the server's and the client's monitor queues
 * (protocol/pva/server/monitor.ts and protocol/pva/client/monitor.ts both call it).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { BitSet } from "../../protocol/pvdata/bitset.ts";
import { bitCount, expandBits, foldChange } from "../../protocol/pvdata/partial.ts";
import { scalar, struct } from "../../protocol/pvdata/types.ts";

const T = struct("epics:nt/NTScalar:1.0", {
  value: scalar("float64"),
  alarm: struct("alarm_t", { severity: scalar("int32"), status: scalar("int32"), message: scalar("string") }),
});
const EMPTY = () => new BitSet();

Deno.test("foldChange: fields of both, overrun where both changed (structure bits expanded)", () => {
  const a = { changed: BitSet.of(1), overrun: EMPTY() };
  const b = { changed: BitSet.of(1, 3), overrun: EMPTY() };
  const f = foldChange(T, a, b);
  assert.deepEqual([...f.changed], [1, 3]);
  assert.deepEqual([...f.overrun], [1]);
  // The whole alarm, then only its status: the earlier status value is lost.
  const g = foldChange(T, { changed: BitSet.of(2), overrun: EMPTY() }, {
    changed: BitSet.of(4),
    overrun: EMPTY(),
  });
  assert.deepEqual([...g.changed], [2, 4]);
  assert.deepEqual([...g.overrun], [4]);
  // Disjoint changes lose nothing.
  assert.ok(
    foldChange(T, { changed: BitSet.of(1), overrun: EMPTY() }, { changed: BitSet.of(5), overrun: EMPTY() })
      .overrun.isEmpty(),
  );
});

Deno.test("foldChange: earlier overruns are kept, the arguments are not modified", () => {
  const a = { changed: BitSet.of(1), overrun: BitSet.of(5) };
  const b = { changed: BitSet.of(3), overrun: BitSet.of(4) };
  const f = foldChange(T, a, b);
  assert.deepEqual([...f.overrun], [4, 5]);
  assert.deepEqual([...a.changed], [1]);
  assert.deepEqual([...a.overrun], [5]);
  assert.deepEqual([...b.changed], [3]);
  assert.deepEqual([...b.overrun], [4]);
});

Deno.test("foldChange: folding a run of updates one by one never loses a change or invents an overrun", () => {
  const n = bitCount(T);
  const bits = fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }).map((b) =>
    BitSet.of(...b)
  );
  fc.assert(fc.property(fc.array(bits, { minLength: 1, maxLength: 6 }), (changes) => {
    let acc = { changed: changes[0], overrun: EMPTY() };
    for (const c of changes.slice(1)) acc = foldChange(T, acc, { changed: c, overrun: EMPTY() });
    const seen = new Map<number, number>();
    for (const c of changes) for (const b of expandBits(T, c)) seen.set(b, (seen.get(b) ?? 0) + 1);
    const union = changes.reduce((u, c) => u.or(c), EMPTY());
    assert.deepEqual([...acc.changed], [...union]);
    // Overrun: exactly the fields (expanded) that more than one of the folded updates changed.
    assert.deepEqual(
      [...acc.overrun],
      [...seen].filter(([, k]) => k > 1).map(([b]) => b).sort((x, y) => x - y),
    );
  }));
});
