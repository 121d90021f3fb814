import assert from "node:assert/strict";
import fc from "fast-check";
import { ExactSum } from "../../processors/support/exact_sum.ts";

const f64 = new Float64Array(1);
const w64 = new BigUint64Array(f64.buffer);

/** A finite double as an exact integer number of 2^-1074 units. */
function units(x: number): bigint {
  f64[0] = x;
  const bits = w64[0];
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const m = e === 0 ? frac : frac | (1n << 52n);
  const u = m << BigInt(Math.max(e, 1) - 1);
  return bits >> 63n ? -u : u;
}

/** The next double up (toward +infinity) and down. */
function neighbours(x: number): [number, number] {
  const step = (up: boolean) => {
    if (x === 0) return up ? 5e-324 : -5e-324;
    f64[0] = x;
    w64[0] += (x > 0) === up ? 1n : -1n;
    return f64[0];
  };
  return [step(false), step(true)];
}

const abs = (x: bigint) => x < 0n ? -x : x;

function evenMantissa(x: number): boolean {
  f64[0] = x;
  return (w64[0] & 1n) === 0n;
}

/** Asserts x is the double nearest to `exact` units (ties: the even one). */
function assertNearest(x: number, exact: bigint, what: string): void {
  const d = abs(units(x) - exact);
  for (const y of neighbours(x)) {
    if (!Number.isFinite(y)) continue;
    const dy = abs(units(y) - exact);
    assert.ok(d < dy || (d === dy && evenMantissa(x)), `${what}: ${x} is not the nearest double`);
  }
}

Deno.test("exact sum: float32 and float64 samples sum to the double nearest their exact sum", () => {
  const f32 = fc.float({ noDefaultInfinity: true, noNaN: true });
  const double = fc.double({ noDefaultInfinity: true, noNaN: true, min: -1e300, max: 1e300 });
  fc.assert(
    fc.property(fc.array(f32, { maxLength: 200 }), (xs) => {
      const data = Float32Array.from(xs);
      const exact = [...data].reduce((a, v) => a + units(v), 0n);
      assertNearest(ExactSum.of(data).value(), exact, `float32 ${xs}`);
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(double, { maxLength: 200 }), (xs) => {
      const data = Float64Array.from(xs);
      const exact = xs.reduce((a, v) => a + units(v), 0n);
      assertNearest(ExactSum.of(data).value(), exact, `float64 ${xs}`);
    }),
    { numRuns: 500 },
  );
});

Deno.test("exact sum: the order of the samples does not change the result, where a float loop's does", () => {
  const data = new Float32Array([1e8, 1, -1e8, 3.5, 1e-7, -2e30, 2e30]);
  const reversed = data.slice().reverse();
  assert.equal(ExactSum.of(data).value(), ExactSum.of(reversed).value());
  assert.equal(ExactSum.of(data).value(), 4.5 + Math.fround(1e-7));
  let loop = 0;
  for (const v of data) loop += v;
  assert.notEqual(loop, ExactSum.of(data).value(), "the float loop is order-dependent here");
});

Deno.test("exact sum: integers of every width, beyond 2^53", () => {
  const big = new Uint32Array(2 ** 22).fill(2 ** 32 - 1);
  assert.equal(ExactSum.of(big).value(), (2 ** 32 - 1) * 2 ** 22);
  const i64 = new BigInt64Array([2n ** 62n, 1n, -(2n ** 62n), -5n]);
  assert.equal(ExactSum.of(i64).value(), -4);
  const u64 = new BigUint64Array([2n ** 64n - 1n, 2n ** 64n - 1n]);
  assert.equal(ExactSum.of(u64).value(), Number(2n ** 65n - 2n));
  assert.equal(ExactSum.of(new Int8Array([-128, 127, -1])).value(), -2);
  assert.equal(ExactSum.of(new Int16Array([-5, 3]), 1).value(), 3, "from an offset");
});

Deno.test("exact sum: infinities and NaN give the same result in any order", () => {
  const cases: [number[], number][] = [
    [[1, Infinity], Infinity],
    [[-Infinity, 2], -Infinity],
    [[Infinity, -Infinity], NaN],
    [[NaN, 1], NaN],
    [[], 0],
  ];
  for (const [xs, expected] of cases) {
    for (const T of [Float32Array, Float64Array]) {
      assert.ok(Object.is(ExactSum.of(T.from(xs)).value(), expected), `${T.name} ${xs}`);
      assert.ok(
        Object.is(ExactSum.of(T.from(xs.toReversed())).value(), expected),
        `${T.name} reversed ${xs}`,
      );
    }
  }
});

Deno.test("exact sum: runs of samples every period (one colour of an RGB frame) are the sum of those samples", () => {
  fc.assert(
    fc.property(
      fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { maxLength: 100 }),
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 0, max: 7 }),
      (xs, start, run, gap) => {
        const data = Float32Array.from(xs);
        const picked: number[] = [];
        for (let s = start; s < data.length; s += run + gap) picked.push(...data.subarray(s, s + run));
        const ints = Int32Array.from(xs, (x) => Math.trunc(x) | 0);
        const pickedInts: number[] = [];
        for (let s = start; s < ints.length; s += run + gap) pickedInts.push(...ints.subarray(s, s + run));
        assert.equal(
          ExactSum.of(data, start, data.length, run, run + gap).value(),
          ExactSum.of(Float32Array.from(picked)).value(),
        );
        assert.equal(
          ExactSum.of(ints, start, ints.length, run, run + gap).value(),
          pickedInts.reduce((a, b) => a + b, 0),
        );
      },
    ),
    { numRuns: 300 },
  );
});
