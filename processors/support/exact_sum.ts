/**
 * Exact sums of pixels, rounded once. A sum of doubles depends on the order of the additions, so
 * a CPU loop and a GPU reduction would disagree in the last bits; the exact sum rounded to the
 * nearest double (ties to even) does not depend on order, so every processor that reports it
 * reports the same number.
 *
 * Floats are summed by exponent: the integer mantissas of the samples sharing an exponent and a
 * sign are added in a double (exact while below 2^53), and the buckets are folded into one big
 * integer scaled by the smallest exponent. Integers are added in blocks that stay below 2^53.
 *
 * @module
 */

/** The typed arrays a frame's pixels come in. */
export type Samples =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** Where float32 bucket k (exponent field k, k >= 1) sits: mantissa × 2^(k - 1) in units of 2^-149. */
export const FLOAT32_SCALE = 149;
const FLOAT64_SCALE = 1074;
// Integer blocks: |sample| < 2^32, so 2^21 of them sum below 2^53.
const INT_BLOCK = 2 ** 21;
// Float32 mantissas are below 2^24: 2^29 of them sum below 2^53.
const F32_BLOCK = 2 ** 29;
// Float64 mantissas are split into two halves below 2^27: 2^26 of them sum below 2^53.
const F64_BLOCK = 2 ** 26;

/**
 * An exact sum being built: a big integer in units of 2^-scale, and what infinities and NaNs
 * were seen (they make the result order-free too: NaN if any NaN or both infinities).
 * @example
 * ```ts
 * import { ExactSum } from "./exact_sum.ts";
 * const s = ExactSum.of(new Float32Array([1e8, 1, -1e8]));
 * s.value(); // 1 (a float sum in this order gives 0)
 * ```
 */
export class ExactSum {
  #units = 0n;
  #nan = false;
  #plusInfinity = false;
  #minusInfinity = false;

  /** @param scale the sum counts units of 2^-scale */
  constructor(readonly scale: number) {}

  /**
   * An exact sum suited to the samples' type, with samples added as {@link ExactSum.add} does.
   */
  static of(data: Samples, start = 0, end: number = data.length, run?: number, period?: number): ExactSum {
    const sum = new ExactSum(scaleOf(data));
    sum.add(data, start, end, run, period);
    return sum;
  }

  /**
   * Adds the samples from `start` (inclusive) to `end` (exclusive); with `run` and `period`, only
   * runs of `run` samples starting every `period` (one colour of an RGB frame). Their type must
   * suit the scale.
   */
  add(data: Samples, start: number, end: number, run = end - start, period = run): void {
    if (end <= start || run <= 0) return;
    const runs = { start, end, run, period: Math.max(period, run) };
    if (data instanceof Float32Array) this.#addFloat32(data, runs);
    else if (data instanceof Float64Array) this.#addFloat64(data, runs);
    else if (data instanceof BigInt64Array || data instanceof BigUint64Array) this.#addInt64(data, runs);
    else this.#addIntegers(data, runs);
  }

  /** Adds an integer number of units (a partial exact sum computed elsewhere, e.g. on a GPU). */
  addUnits(units: bigint): void {
    this.#units += units;
  }

  /**
   * Adds the sum of the integer mantissas (implicit bit included; negative for negative samples) of
   * float samples sharing one exponent field: float32's 8 bits at scale 149, float64's 11 at 1074.
   */
  addMantissas(mantissas: bigint, exponentField: number): void {
    this.#units += mantissas << BigInt(Math.max(exponentField, 1) - 1);
  }

  /** Records an infinity (sign +1 or -1) or, for sign 0, a NaN. */
  addSpecial(sign: number): void {
    if (sign > 0) this.#plusInfinity = true;
    else if (sign < 0) this.#minusInfinity = true;
    else this.#nan = true;
  }

  /** Adds another sum of the same scale. */
  addSum(other: ExactSum): void {
    this.#units += other.#units;
    this.#nan ||= other.#nan;
    this.#plusInfinity ||= other.#plusInfinity;
    this.#minusInfinity ||= other.#minusInfinity;
  }

  /** The sum rounded to the nearest double (ties to even). */
  value(): number {
    if (this.#nan || (this.#plusInfinity && this.#minusInfinity)) return NaN;
    if (this.#plusInfinity) return Infinity;
    if (this.#minusInfinity) return -Infinity;
    return roundUnits(this.#units, this.scale);
  }

  #addIntegers(data: Samples & { [i: number]: number }, runs: Runs): void {
    let s = 0;
    inBlocks(runs, INT_BLOCK, (from, to) => {
      let t = 0;
      for (let i = from; i < to; i++) t += data[i];
      s += t;
    }, () => {
      this.#units += BigInt(s);
      s = 0;
    });
  }

  #addInt64(data: BigInt64Array | BigUint64Array, runs: Runs): void {
    // Each sample is hi × 2^32 + lo with lo unsigned and hi signed as the sample is (little-endian host).
    const lo = new Uint32Array(data.buffer, data.byteOffset, 2 * data.length);
    const hi = data instanceof BigInt64Array ? new Int32Array(lo.buffer, lo.byteOffset, lo.length) : lo;
    let low = 0;
    let high = 0;
    inBlocks(runs, INT_BLOCK, (from, to) => {
      let l = 0;
      let h = 0;
      for (let i = from; i < to; i++) {
        l += lo[2 * i];
        h += hi[2 * i + 1];
      }
      low += l;
      high += h;
    }, () => {
      this.#units += (BigInt(high) << 32n) + BigInt(low);
      low = high = 0;
    });
  }

  #addFloat32(data: Float32Array, runs: Runs): void {
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    // Index = sign and exponent field: [0, 256) positive, [256, 512) negative.
    const buckets = new Float64Array(512);
    inBlocks(runs, F32_BLOCK, (from, to) => {
      for (let i = from; i < to; i++) {
        const b = bits[i];
        const e = (b >>> 23) & 0xff;
        if (e === 0xff) this.addSpecial((b & 0x7fffff) !== 0 ? 0 : b >>> 31 ? -1 : 1);
        else buckets[b >>> 23] += e === 0 ? b & 0x7fffff : (b & 0x7fffff) | 0x800000;
      }
    }, () => {
      for (let e = 0; e < 255; e++) {
        const d = buckets[e] - buckets[256 + e];
        if (d !== 0) this.addMantissas(BigInt(d), e);
      }
      buckets.fill(0);
    });
  }

  #addFloat64(data: Float64Array, runs: Runs): void {
    const words = new Uint32Array(data.buffer, data.byteOffset, 2 * data.length);
    // Mantissa = high × 2^26 + low, by sign and exponent field: [0, 2048) positive, [2048, 4096) negative.
    const high = new Float64Array(4096);
    const low = new Float64Array(4096);
    inBlocks(runs, F64_BLOCK, (from, to) => {
      for (let i = from; i < to; i++) {
        const w0 = words[2 * i];
        const w1 = words[2 * i + 1];
        const k = w1 >>> 20;
        const e = k & 0x7ff;
        if (e === 0x7ff) {
          this.addSpecial(((w1 & 0xfffff) | w0) !== 0 ? 0 : k >>> 11 ? -1 : 1);
          continue;
        }
        high[k] += (w1 & 0xfffff) * 64 + (w0 >>> 26) + (e === 0 ? 0 : 0x4000000);
        low[k] += w0 & 0x3ffffff;
      }
    }, () => {
      for (let e = 0; e < 2047; e++) {
        const h = high[e] - high[2048 + e];
        const l = low[e] - low[2048 + e];
        if (h !== 0 || l !== 0) this.addMantissas((BigInt(h) << 26n) + BigInt(l), e);
      }
      high.fill(0);
      low.fill(0);
    });
  }
}

/** Which samples to add: runs of `run` starting at `start`, every `period`, below `end`. */
interface Runs {
  start: number;
  end: number;
  run: number;
  period: number;
}

/** Visits the samples of `runs` in pieces, calling `flush` after at most `block` samples and at the end. */
function inBlocks(
  runs: Runs,
  block: number,
  visit: (from: number, to: number) => void,
  flush: () => void,
): void {
  let pending = 0;
  for (let s = runs.start; s < runs.end; s += runs.period) {
    const stop = Math.min(s + runs.run, runs.end);
    for (let from = s; from < stop;) {
      const to = Math.min(stop, from + block - pending);
      visit(from, to);
      pending += to - from;
      from = to;
      if (pending === block) {
        flush();
        pending = 0;
      }
    }
  }
  flush();
}

function scaleOf(data: Samples): number {
  if (data instanceof Float32Array) return FLOAT32_SCALE;
  if (data instanceof Float64Array) return FLOAT64_SCALE;
  return 0;
}

/**
 * units × 2^-scale rounded once to the nearest double: the big integer is cut to 64 bits with a
 * sticky bit for what was cut (so Number() rounds as it would the whole), then scaled by a power
 * of two in two steps that cannot round (the result can only be subnormal when it is exact).
 */
export function roundUnits(units: bigint, scale: number): number {
  const negative = units < 0n;
  let m = negative ? -units : units;
  let shift = 0;
  const length = m.toString(2).length;
  if (length > 64) {
    shift = length - 64;
    const cut = m & ((1n << BigInt(shift)) - 1n);
    m = (m >> BigInt(shift)) | (cut === 0n ? 0n : 1n);
  }
  const e = shift - scale;
  const half = Math.trunc(e / 2);
  const x = Number(m) * 2 ** half * 2 ** (e - half);
  return negative ? -x : x;
}
