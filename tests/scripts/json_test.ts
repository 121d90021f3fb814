import assert from "node:assert/strict";
import fc from "fast-check";
import { fromJson } from "../../scripts/lib/coerce.ts";
import { jsonNumber, toJson } from "../../scripts/lib/json.ts";
import {
  ANY,
  scalar,
  scalarArray,
  struct,
  structArray,
  union,
  unionArray,
} from "../../protocol/pvdata/types.ts";

Deno.test("64-bit integers are numbers while exact, strings beyond 2^53", () => {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  assert.equal(jsonNumber(max), Number.MAX_SAFE_INTEGER);
  assert.equal(jsonNumber(-max), -Number.MAX_SAFE_INTEGER);
  assert.equal(jsonNumber(max + 1n), "9007199254740992");
  assert.equal(jsonNumber(-max - 2n), "-9007199254740993");
  assert.equal(jsonNumber(2n ** 64n - 1n), "18446744073709551615");
  assert.equal(jsonNumber(NaN), "NaN");
  assert.equal(jsonNumber(-Infinity), "-Infinity");
  assert.equal(jsonNumber(0.5), 0.5);
});

Deno.test("typed arrays become JSON arrays, element by element", () => {
  const t = struct("", { a: scalarArray("uint16"), b: scalarArray("uint64"), c: scalarArray("float32") });
  const v = {
    a: new Uint16Array([1, 65535]),
    b: new BigUint64Array([1n, 2n ** 63n]),
    c: new Float32Array([0.5]),
  };
  const text = JSON.stringify(toJson(t, v));
  assert.equal(text, '{"a":[1,65535],"b":[1,"9223372036854775808"],"c":[0.5]}');
});

Deno.test("structures, unions, anys and their arrays map as documented", () => {
  const point = struct("pt", { x: scalar("int32") });
  const u = union("", { n: scalar("int64"), s: scalar("string") });
  const t = struct("", { u, none: u, any: ANY, empty: ANY, pts: structArray(point), us: unionArray(u) });
  const json = toJson(t, {
    u: { name: "n", value: 5n },
    none: { name: null, value: null },
    any: { type: scalarArray("int8"), value: new Int8Array([-1]) },
    empty: { type: null, value: null },
    pts: [{ x: 1 }, null],
    us: [null, { name: "s", value: "a" }],
  });
  assert.deepEqual(json, {
    u: { name: "n", value: 5 },
    none: null,
    any: [-1],
    empty: null,
    pts: [{ x: 1 }, null],
    us: [null, { name: "s", value: "a" }],
  });
});

Deno.test("every int64 and uint64 survives toJson, JSON text and fromJson", () => {
  const t = struct("", { i: scalar("int64"), u: scalar("uint64") });
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      (i, u) => {
        const text = JSON.stringify(toJson(t, { i, u }));
        assert.deepEqual(fromJson(t, JSON.parse(text)), { i, u });
      },
    ),
  );
});
