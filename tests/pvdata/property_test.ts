/**
 * Property tests: random types and values round-trip in both byte orders, fully and
 * partially, and random pvRequest field lists select exactly what they name.
 */
import fc from "fast-check";
import assert from "node:assert/strict";
import { BitSet } from "../../protocol/pvdata/bitset.ts";
import { bitCount, bitOf, pathOf, readPartial, writePartial } from "../../protocol/pvdata/partial.ts";
import { parseRequest, requestMask, unknownFields } from "../../protocol/pvdata/pvrequest.ts";
import { readType, writeType } from "../../protocol/pvdata/typedesc.ts";
import type { FieldDesc, StructValue, Value } from "../../protocol/pvdata/types.ts";
import { defaultValue, readValue, writeValue } from "../../protocol/pvdata/value.ts";
import { structType, typedStruct, valueOf } from "./arbitraries.ts";
import { assertSame, decode, encode, ORDERS } from "./helpers.ts";

Deno.test("property: type and full value round-trip in both byte orders", () => {
  fc.assert(
    fc.property(typedStruct, ({ type, value }) => {
      for (const { le } of ORDERS) {
        const bytes = encode(le, (w) => {
          writeType(w, type);
          writeValue(w, type, value);
        });
        const back = decode(bytes, le, (r) => {
          const t = readType(r);
          return { t, v: t === null ? null : readValue(r, t) };
        });
        assert.deepEqual(back.t, type);
        assertSame(back.v, value);
      }
    }),
    { numRuns: 150 },
  );
});

/** The value a partial update must produce: `next` where marked, `prev` elsewhere. */
function expectedMerge(t: FieldDesc, prev: Value, next: Value, bits: BitSet, offset: number): Value {
  if (bits.has(offset)) return next;
  if (t.kind !== "structure") return prev;
  const out: StructValue = {};
  let child = offset + 1;
  for (const m of t.fields) {
    out[m.name] = expectedMerge(
      m.type,
      (prev as StructValue)[m.name],
      (next as StructValue)[m.name],
      bits,
      child,
    );
    child += bitCount(m.type);
  }
  return out;
}

const partialCase = structType(3).chain((type) =>
  fc.record({
    type: fc.constant(type),
    next: valueOf(type),
    prev: fc.oneof(fc.constant(defaultValue(type)), valueOf(type)),
    bits: fc.uniqueArray(fc.nat({ max: bitCount(type) - 1 }), { maxLength: 6 }),
  })
);

Deno.test("property: partial round trip merges onto prev without changing it", () => {
  fc.assert(
    fc.property(partialCase, ({ type, next, prev, bits }) => {
      const set = BitSet.of(...bits);
      const snapshot = structuredClone(prev);
      for (const { le } of ORDERS) {
        const bytes = encode(le, (w) => {
          set.write(w);
          writePartial(w, type, next, set);
        });
        const merged = decode(bytes, le, (r) => readPartial(r, type, BitSet.read(r), prev));
        assertSame(merged, expectedMerge(type, prev, next, set, 0));
        assertSame(prev, snapshot, "prev");
      }
    }),
    { numRuns: 150 },
  );
});

/** Every dotted member path of a structure type, parents before children. */
function allPaths(t: FieldDesc, prefix = ""): string[] {
  if (t.kind !== "structure") return [];
  return t.fields.flatMap((m) => [prefix + m.name, ...allPaths(m.type, `${prefix}${m.name}.`)]);
}

const requestCase = structType(3)
  .filter((t) => allPaths(t).length > 0)
  .chain((type) =>
    fc.record({ type: fc.constant(type), picked: fc.subarray(allPaths(type), { minLength: 1 }) })
  );

Deno.test("property: field(paths) selects those paths, their ancestors and descendants only", () => {
  fc.assert(
    fc.property(requestCase, ({ type, picked }) => {
      const req = parseRequest(`field(${picked.join(",")})`);
      assert.deepEqual(unknownFields(type, req), []);
      const mask = requestMask(type, req);
      for (const p of picked) assert.ok(mask.has(bitOf(type, p)), p);
      for (const bit of mask) {
        if (bit === 0) continue;
        const p = pathOf(type, bit)!;
        const related = picked.some((s) => p === s || p.startsWith(`${s}.`) || s.startsWith(`${p}.`));
        assert.ok(related, `bit ${bit} (${p}) not implied by ${picked}`);
      }
    }),
    { numRuns: 150 },
  );
});
