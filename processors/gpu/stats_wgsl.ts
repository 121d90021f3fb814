/**
 * The two compute shaders of the GPU image statistics, generated for the pixel type of the frames.
 *
 * Pass 1 (`reduceShader`): each workgroup of {@link WORKGROUP} threads takes {@link CHUNK} pixels of
 * one frame (the batch's frames along y) and writes, per colour, one `vec4u` partial: min and max
 * (bits of the pixel type), and for integers the sum: exact, 64-bit (two u32 words with carry;
 * signed pixels biased by 2^31, which the CPU takes off). Float sums are exact too, as the CPU's
 * (processors/support/exact_sum.ts): each pixel's integer mantissa is added to a 64-bit bucket of
 * its sign and exponent in workgroup memory, and each workgroup adds its buckets to the frame's
 * ({@link FLOAT_SUM_WORDS} words per frame, with a word of infinity and NaN flags per colour).
 *
 * Pass 2 (`histogramShader`): each pixel inside the range goes to the bin given by the thresholds
 * of histogram_edges.ts (a binary search), counted in workgroup memory and added to the frame's
 * histogram once per workgroup.
 *
 * @module
 */
import { type GpuLayout, wgslPixelLoader } from "../../runtime/processor/mod.ts";

/** Threads per workgroup (64 with 64 pixels each ran 3x faster on llvmpipe than 256 with 16). */
export const WORKGROUP = 64;
/** Pixels per thread. */
export const PER_THREAD = 64;
/** Pixels per workgroup. */
export const CHUNK = WORKGROUP * PER_THREAD;
/**
 * Words per frame of the float sums: for each colour 512 buckets (positive exponent fields 0-255,
 * then negative) of two words (low, high), then one flag word per colour (1 +infinity, 2
 * -infinity, 4 NaN) and one unused.
 */
export const FLOAT_SUM_WORDS = 3 * 1024 + 4;
/** Largest histogram counted in workgroup memory (16 KiB of it at most). */
export const LOCAL_BINS = 2048;

/** The colour of pixel `i` of frame `f` (0 for mono, stride 0). */
export const COLOUR = "select(0u, (i / max(f.stride, 1u)) % 3u, f.stride != 0u)";

const INIT: Record<string, [string, string]> = {
  i32: ["2147483647i", "-2147483647i - 1i"],
  u32: ["4294967295u", "0u"],
  f32: ["bitcast<f32>(0x7f800000u)", "bitcast<f32>(0xff800000u)"],
};

const FRAME_LOOP = `
  let f = frames[wg.y];
  let start = wg.x * ${CHUNK}u;
  for (var k = 0u; k < ${PER_THREAD}u; k++) {
    let i = start + k * ${WORKGROUP}u + lid;
    if (i < f.n) {
      let v = pixel(f.base, i);
      BODY
    }
  }`;

/**
 * The loop of both passes (32- and 64-bit): each thread visits {@link PER_THREAD} pixels of
 * frame `wg.y`, `v` the pixel as `pixel()` returns it, and runs `body` on each.
 */
export function frameLoop(body: string): string {
  return FRAME_LOOP.replace("BODY", body);
}

/**
 * Pass 1. Bindings: pixels (`array<u32>`), frames (`{base, n, stride, partials}` each: the first
 * word, pixel count, colour stride (0 for mono) and the first partial), partials (`array<vec4u>`),
 * and for float pixels the sums (`array<atomic<u32>>`, zeroed, {@link FLOAT_SUM_WORDS} per frame).
 * The mono variant (`colour` false) skips the per-pixel colour division, indexes its accumulators
 * with a constant, and writes empty partials for colours 1 and 2.
 */
export function reduceShader(layout: GpuLayout, { colour }: { colour: boolean }): string {
  const t = layout.scalar;
  const [lo, hi] = INIT[t];
  const float = t === "f32";
  const colours = colour ? 3 : 1;
  const accumulate = float
    ? `let b = bitcast<u32>(v);
      let e = (b >> 23u) & 0xffu;
      if (e == 0xffu) {
        atomicOr(&bflags[c], select(select(1u, 2u, (b >> 31u) != 0u), 4u, (b & 0x7fffffu) != 0u));
      } else {
        let m = select((b & 0x7fffffu) | 0x800000u, b & 0x7fffffu, e == 0u);
        let k = c * 512u + (b >> 23u);
        let old = atomicAdd(&blo[k], m);
        if (old + m < old) { atomicAdd(&bhi[k], 1u); }
      }`
    : `let u = bitcast<u32>(v)${t === "i32" ? " ^ 0x80000000u" : ""};
      sl[c] += u;
      if (sl[c] < u) { sh[c] += 1u; }`;
  const combine = float ? "" : `let a = slo[lid];
        slo[lid] = a + slo[lid + s];
        shi[lid] = shi[lid] + shi[lid + s] + select(0u, 1u, slo[lid] < a);`;
  const floatSums = float
    ? `@group(0) @binding(3) var<storage, read_write> sums: array<atomic<u32>>;
var<workgroup> blo: array<atomic<u32>, ${colours * 512}>;
var<workgroup> bhi: array<atomic<u32>, ${colours * 512}>;
var<workgroup> bflags: array<atomic<u32>, ${colours}>;`
    : "";
  // After the reduction's last barrier every pixel is in the buckets.
  const flushSums = float
    ? `let out = wg.y * ${FLOAT_SUM_WORDS}u;
  for (var k = lid; k < ${colours * 512}u; k += ${WORKGROUP}u) {
    let lo = atomicLoad(&blo[k]);
    let hi = atomicLoad(&bhi[k]);
    if ((lo | hi) != 0u) {
      let old = atomicAdd(&sums[out + 2u * k], lo);
      atomicAdd(&sums[out + 2u * k + 1u], hi + select(0u, 1u, old + lo < old));
    }
  }
  if (lid < ${colours}u) {
    let flags = atomicLoad(&bflags[lid]);
    if (flags != 0u) { atomicOr(&sums[out + 3072u + lid], flags); }
  }`
    : "";
  return `
struct Frame { base: u32, n: u32, stride: u32, partials: u32 }
@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read> frames: array<Frame>;
@group(0) @binding(2) var<storage, read_write> partials: array<vec4u>;
${floatSums}
${wgslPixelLoader(layout)}
var<workgroup> smin: array<${t}, ${WORKGROUP}>;
var<workgroup> smax: array<${t}, ${WORKGROUP}>;
var<workgroup> slo: array<u32, ${WORKGROUP}>;
var<workgroup> shi: array<u32, ${WORKGROUP}>;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  var mn = array<${t}, 3>(${lo}, ${lo}, ${lo});
  var mx = array<${t}, 3>(${hi}, ${hi}, ${hi});
  var sl = array<u32, 3>(0u, 0u, 0u);
  var sh = array<u32, 3>(0u, 0u, 0u);
  ${
    frameLoop(
      `let c = ${colour ? COLOUR : "0u"};
      if (v < mn[c]) { mn[c] = v; }
      if (v > mx[c]) { mx[c] = v; }
      ${accumulate}`,
    )
  }
  for (var c = 0u; c < ${colours}u; c++) {
    smin[lid] = mn[c];
    smax[lid] = mx[c];
    slo[lid] = sl[c];
    shi[lid] = sh[c];
    workgroupBarrier();
    for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
      if (lid < s) {
        if (smin[lid + s] < smin[lid]) { smin[lid] = smin[lid + s]; }
        if (smax[lid + s] > smax[lid]) { smax[lid] = smax[lid + s]; }
        ${combine}
      }
      workgroupBarrier();
    }
    if (lid == 0u && start < f.n) {
      partials[f.partials + wg.x * 3u + c] = vec4u(bitcast<u32>(smin[0]), bitcast<u32>(smax[0]), slo[0], shi[0]);
    }
    workgroupBarrier();
  }
  ${
    colour ? "" : `if (lid == 0u && start < f.n) {
    let empty = vec4u(bitcast<u32>(mn[1]), bitcast<u32>(mx[1]), 0u, 0u);
    partials[f.partials + wg.x * 3u + 1u] = empty;
    partials[f.partials + wg.x * 3u + 2u] = empty;
  }`
  }
  ${flushSums}
}`;
}

/**
 * Pass 2. Bindings: pixels, frames (`{base, n, low, high, count, thresholds, histogram, counting}`:
 * range bounds as bits of the pixel type, number of thresholds, where they start, where the
 * frame's bins start, 0 to count nothing), thresholds (`array<u32>`), histograms (`array<atomic<u32>>`).
 * @param bins bins per frame
 */
export function histogramShader(layout: GpuLayout, bins: number): string {
  const t = layout.scalar;
  const as = (x: string) => t === "u32" ? x : `bitcast<${t}>(${x})`;
  const { declaration, count, flush } = binCounting(bins);
  return `
struct Frame { base: u32, n: u32, low: u32, high: u32, count: u32, thresholds: u32, histogram: u32, counting: u32 }
@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read> frames: array<Frame>;
@group(0) @binding(2) var<storage, read> thresholds: array<u32>;
@group(0) @binding(3) var<storage, read_write> histograms: array<atomic<u32>>;
${wgslPixelLoader(layout)}
${declaration}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let low = ${as("frames[wg.y].low")};
  let high = ${as("frames[wg.y].high")};
  ${
    frameLoop(
      `if (f.counting != 0u && v >= low && v <= high) {
        var a = 0u;
        var z = f.count;
        while (a < z) {
          let mid = (a + z) / 2u;
          if (v >= ${as("thresholds[f.thresholds + mid]")}) { a = mid + 1u; } else { z = mid; }
        }
        let b = a;
        ${count}
      }`,
    )
  }
  ${flush}
}`;
}

/**
 * How pass 2 counts a pixel in bin `b` (32- and 64-bit): in workgroup memory, added to the frame's
 * histogram once per workgroup, or with more than {@link LOCAL_BINS} bins straight into it.
 * @returns the workgroup declaration, the statement counting `b`, and the statements ending the workgroup
 */
export function binCounting(bins: number): { declaration: string; count: string; flush: string } {
  if (bins > LOCAL_BINS) {
    return { declaration: "", count: "atomicAdd(&histograms[f.histogram + b], 1u);", flush: "" };
  }
  return {
    declaration: `var<workgroup> counts: array<atomic<u32>, ${bins}>;`,
    count: "atomicAdd(&counts[b], 1u);",
    flush: `workgroupBarrier();
  let f2 = frames[wg.y];
  for (var b = lid; b < ${bins}u; b += ${WORKGROUP}u) {
    let x = atomicLoad(&counts[b]);
    if (x > 0u) { atomicAdd(&histograms[f2.histogram + b], x); }
  }`,
  };
}
