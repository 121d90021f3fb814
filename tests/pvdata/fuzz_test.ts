/**
 * Robustness: random and mutated bytes must end in a value or a DecodeError (never another
 * error), quickly, without huge allocations; limits are enforced and configurable.
 */
import fc from "fast-check";
import assert from "node:assert/strict";
import { BitSet } from "../../protocol/pvdata/bitset.ts";
import { DecodeError } from "../../protocol/pvdata/errors.ts";
import { Reader, type ReaderOptions } from "../../protocol/pvdata/reader.ts";
import { readStatus } from "../../protocol/pvdata/status.ts";
import { readType, writeType } from "../../protocol/pvdata/typedesc.ts";
import {
  ANY,
  ANY_ARRAY,
  type FieldDesc,
  scalar,
  SCALAR_TYPES,
  scalarArray,
  struct,
  structArray,
  union,
} from "../../protocol/pvdata/types.ts";
import { readValue, writeValue } from "../../protocol/pvdata/value.ts";
import { typedStruct } from "./arbitraries.ts";
import { encode, hex } from "./helpers.ts";

/** Slowest acceptable decode of one small input. */
const QUICK_MS = 250;

/** Runs `fn`; anything thrown must be a DecodeError, and it must finish quickly. */
function decodesOrRejects(fn: () => unknown): void {
  const start = performance.now();
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
  const took = performance.now() - start;
  assert.ok(took < QUICK_MS, `decode took ${took.toFixed(0)} ms`);
}

/** A type description followed by a value of it, as in an `any` or an RPC argument. */
function readTypeAndValue(r: Reader): void {
  const t = readType(r);
  if (t !== null) readValue(r, t);
}

const FIXED_TYPES: FieldDesc[] = [
  struct("", {
    value: scalar("float64"),
    alarm: struct("", { severity: scalar("int32"), message: scalar("string") }),
  }),
  struct("", { a: ANY, b: ANY_ARRAY, u: union("", { x: scalar("int8"), s: scalarArray("string") }) }),
  structArray(struct("", { x: scalarArray("uint16"), b: scalarArray("bool") })),
  { kind: "scalarArray", type: "float32", form: "fixed", size: 3 },
];

Deno.test("fuzz: random bytes into every decoder", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 96 }), fc.boolean(), (bytes, le) => {
      decodesOrRejects(() => readType(new Reader(bytes, le)));
      decodesOrRejects(() => readTypeAndValue(new Reader(bytes, le)));
      decodesOrRejects(() => readStatus(new Reader(bytes, le)));
      decodesOrRejects(() => BitSet.read(new Reader(bytes, le)));
      for (const t of FIXED_TYPES) decodesOrRejects(() => readValue(new Reader(bytes, le), t));
    }),
    { numRuns: 500 },
  );
});

/** A change to a valid encoding: a bit flip, a truncation, or an inserted cache/null marker. */
type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; byte: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    byte: fc.constantFrom(0xfc, 0xfd, 0xfe, 0xff),
  }),
);

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (bytes.length === 0) return bytes;
  const at = m.at % bytes.length;
  if (m.kind === "truncate") return bytes.slice(0, at);
  if (m.kind === "flip") {
    const out = bytes.slice();
    out[at] ^= 1 << m.bit;
    return out;
  }
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes.subarray(0, at));
  out[at] = m.byte;
  out.set(bytes.subarray(at), at + 1);
  return out;
}

Deno.test("fuzz: mutated valid encodings of random types and values", () => {
  fc.assert(
    fc.property(
      typedStruct,
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      (tv, ms, le) => {
        let bytes = encode(le, (w) => {
          writeType(w, tv.type);
          writeValue(w, tv.type, tv.value);
        });
        for (const m of ms) bytes = mutate(bytes, m);
        decodesOrRejects(() => readTypeAndValue(new Reader(bytes, le)));
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("fuzz: long runs of markers end in DecodeError, not a stack overflow", () => {
  const runs: [string, number][] = [["fd 00 00", 100000], ["88", 100000], ["82", 100000], [
    "80 00 01 01 61",
    50000,
  ]];
  for (const [unit, times] of runs) {
    const bytes = hex(unit.concat(" ").repeat(times));
    assert.throws(() => readTypeAndValue(new Reader(bytes, true)), DecodeError, unit);
  }
  // An any holding an any holding an any ... (type 0x82 then its value, again and again).
  assert.throws(() => readValue(new Reader(hex("82 ".repeat(100000)), true), ANY), DecodeError);
});

/** Bytes of a declared count of 0xFFFFFFFE in either order, then a few bytes of data. */
const HUGE = { le: hex("fe fe ff ff ff 01 02 03 04"), be: hex("fe ff ff ff fe 01 02 03 04") };

Deno.test("limits: a declared size of 0xFFFFFFFE fails without allocating", () => {
  const types: FieldDesc[] = [
    ...SCALAR_TYPES.map((t) => scalarArray(t)),
    structArray(struct("", {})),
    ANY_ARRAY,
    scalar("string"),
  ];
  for (const big of [false, true]) {
    // With the limit raised past the count, the missing bytes must still stop the decoder
    // before it allocates: the error is about bytes left, not memory.
    const options: ReaderOptions = big ? { limits: { maxArrayBytes: 2 ** 40, maxStringBytes: 2 ** 40 } } : {};
    for (const [le, bytes] of [[true, HUGE.le], [false, HUGE.be]] as const) {
      for (const t of types) {
        const start = performance.now();
        assert.throws(() => readValue(new Reader(bytes, le, options), t), DecodeError, JSON.stringify(t));
        assert.ok(performance.now() - start < 50);
      }
      assert.throws(() => BitSet.read(new Reader(bytes, le, options)), DecodeError);
    }
  }
  assert.throws(() => readType(new Reader(hex("3a fe fe ff ff ff"), true)), /exceeds/, "fixed array type");
});

/** A type of `structs` structures nested one in another around an int32: structs + 1 levels. */
function nestedStructBytes(structs: number): Uint8Array {
  return hex("80 00 01 01 61 ".repeat(structs) + "22");
}

Deno.test("limits: nesting deeper than maxDepth is a DecodeError; the limit is configurable", () => {
  assert.throws(() => readType(new Reader(nestedStructBytes(20), true)), /nesting deeper than 20/);
  assert.doesNotThrow(() => readType(new Reader(nestedStructBytes(19), true)));
  assert.doesNotThrow(() => readType(new Reader(nestedStructBytes(24), true, { limits: { maxDepth: 25 } })));
  assert.throws(
    () => readType(new Reader(nestedStructBytes(5), true, { limits: { maxDepth: 5 } })),
    DecodeError,
  );
  // Values nest too: any → struct{a: any} → ... ends with an empty any.
  const anyChain = hex("80 00 01 01 61 82 ".repeat(30) + "ff");
  assert.throws(() => readValue(new Reader(anyChain, true), ANY), /nesting deeper/);
  assert.doesNotThrow(() => readValue(new Reader(anyChain, true, { limits: { maxDepth: 100 } }), ANY));
});

Deno.test("limits: lower maxArrayBytes, maxStringBytes and maxMembers reject legal-but-big input", () => {
  const arr = encode(true, (w) => writeValue(w, scalarArray("float64"), new Float64Array(4)));
  assert.doesNotThrow(() => readValue(new Reader(arr, true), scalarArray("float64")));
  assert.throws(
    () => readValue(new Reader(arr, true, { limits: { maxArrayBytes: 16 } }), scalarArray("float64")),
    (e) => e instanceof DecodeError && /exceeds 16 bytes/.test(e.reason),
  );
  const strs = encode(true, (w) => writeValue(w, scalarArray("string"), ["abc", "de"]));
  assert.throws(
    () => readValue(new Reader(strs, true, { limits: { maxArrayBytes: 1 } }), scalarArray("string")),
    DecodeError,
  );
  const s = encode(true, (w) => w.string("hello"));
  assert.throws(() => new Reader(s, true, { limits: { maxStringBytes: 4 } }).string(), DecodeError);
  const t = encode(
    true,
    (w) => writeType(w, struct("", { a: scalar("int8"), b: scalar("int8"), c: scalar("int8") })),
  );
  assert.doesNotThrow(() => readType(new Reader(t, true, { limits: { maxMembers: 3 } })));
  assert.throws(() => readType(new Reader(t, true, { limits: { maxMembers: 2 } })), DecodeError);
});
