/**
 * The two compute shaders of the GPU image statistics for 64-bit pixels (int64, uint64, float64),
 * uploaded wide (two words per pixel, low word first). WGSL has no 64-bit types, so everything
 * is done on words:
 *
 * - order: each pixel becomes a 64-bit key whose unsigned order is the values' order
 *   (histogram_edges.ts `wideKey`), compared high word first; float NaNs are left out of min and
 *   max, as the CPU's comparisons leave them out;
 * - integer sums: the low words and the high words (signed ones biased by 2^31) are added in two
 *   exact 64-bit sums per colour and workgroup; the CPU puts them together;
 * - float64 sums: exact, as for float32 (stats_wgsl.ts) but with 11-bit exponents: the 53-bit
 *   mantissa in two halves (27 and 26 bits), each added with atomics to a 64-bit bucket of the
 *   frame's per sign and exponent ({@link WIDE_SUM_WORDS} words per frame);
 * - the histogram: the thresholds are keys.
 *
 * Pass 1 writes two `vec4u` partials per colour and workgroup, for all three colours (a mono
 * frame's colours 1 and 2 stay empty): (min key, max key) and (sum of low words, sum of high
 * words), each 64-bit value as (low, high).
 *
 * @module
 */
import type { Wide64 } from "./histogram_edges.ts";
import { binCounting, COLOUR, frameLoop, WORKGROUP } from "./stats_wgsl.ts";

/**
 * Words per frame of the float64 sums: for each colour 4096 buckets (sign and exponent field) of
 * four words (upper mantissa half low/high, lower half low/high), then one flag word per colour
 * (1 +infinity, 2 -infinity, 4 NaN) and one unused.
 */
export const WIDE_SUM_WORDS = 3 * 4096 * 4 + 4;

const COMMON = `
fn key(p: vec2u) -> vec2u { KEY }
fn less(a: vec2u, b: vec2u) -> bool { return a.y < b.y || (a.y == b.y && a.x < b.x); }
fn add64(a: vec2u, b: vec2u) -> vec2u {
  let x = a.x + b.x;
  return vec2u(x, a.y + b.y + select(0u, 1u, x < a.x));
}
fn pixel(base: u32, i: u32) -> vec2u { return vec2u(pixels[base + 2u * i], pixels[base + 2u * i + 1u]); }`;

const KEYS: Record<Wide64, string> = {
  u64: "return p;",
  i64: "return vec2u(p.x, p.y ^ 0x80000000u);",
  f64: "if ((p.y & 0x80000000u) != 0u) { return ~p; } return vec2u(p.x, p.y | 0x80000000u);",
};

function common(kind: Wide64): string {
  return COMMON.replace("KEY", KEYS[kind]);
}

/**
 * Pass 1. Bindings: pixels (`array<u32>`), frames (`{base, n, stride, partials}`, as the 32-bit
 * pass), partials (`array<vec4u>`, two per colour and workgroup), and for float64 the sums
 * (`array<atomic<u32>>`, zeroed, {@link WIDE_SUM_WORDS} per frame).
 */
export function reduceWideShader(kind: Wide64, { colour }: { colour: boolean }): string {
  const float = kind === "f64";
  const nan = "((v.y & 0x7ff00000u) == 0x7ff00000u && ((v.y & 0xfffffu) | v.x) != 0u)";
  const body = `let c = ${colour ? COLOUR : "0u"};
      ${float ? `if (!${nan}) {` : "{"}
        let q = key(v);
        if (less(q, mn[c])) { mn[c] = q; }
        if (less(mx[c], q)) { mx[c] = q; }
      }
      ${
    float
      ? `let e = (v.y >> 20u) & 0x7ffu;
      if (e == 0x7ffu) {
        atomicOr(&sums[out + ${3 * 4096 * 4}u + c], select(select(1u, 2u, (v.y >> 31u) != 0u), 4u, ${nan}));
      } else {
        let b = out + (c * 4096u + (v.y >> 20u)) * 4u;
        let upper = ((v.y & 0xfffffu) << 6u) | (v.x >> 26u) | select(0x4000000u, 0u, e == 0u);
        let lower = v.x & 0x3ffffffu;
        let o1 = atomicAdd(&sums[b], upper);
        if (o1 + upper < o1) { atomicAdd(&sums[b + 1u], 1u); }
        let o2 = atomicAdd(&sums[b + 2u], lower);
        if (o2 + lower < o2) { atomicAdd(&sums[b + 3u], 1u); }
      }`
      : `sa[c] = add64(sa[c], vec2u(v.x, 0u));
      sb[c] = add64(sb[c], vec2u(v.y${kind === "i64" ? " ^ 0x80000000u" : ""}, 0u));`
  }`;
  return `
struct Frame { base: u32, n: u32, stride: u32, partials: u32 }
@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read> frames: array<Frame>;
@group(0) @binding(2) var<storage, read_write> partials: array<vec4u>;
${float ? "@group(0) @binding(3) var<storage, read_write> sums: array<atomic<u32>>;" : ""}
${common(kind)}
var<workgroup> smin: array<vec2u, ${WORKGROUP}>;
var<workgroup> smax: array<vec2u, ${WORKGROUP}>;
var<workgroup> ssa: array<vec2u, ${WORKGROUP}>;
var<workgroup> ssb: array<vec2u, ${WORKGROUP}>;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let top = vec2u(0xffffffffu, 0xffffffffu);
  var mn = array<vec2u, 3>(top, top, top);
  var mx = array<vec2u, 3>(vec2u(0u), vec2u(0u), vec2u(0u));
  var sa = array<vec2u, 3>(vec2u(0u), vec2u(0u), vec2u(0u));
  var sb = array<vec2u, 3>(vec2u(0u), vec2u(0u), vec2u(0u));
  ${float ? "let out = wg.y * " + WIDE_SUM_WORDS + "u;" : ""}
  ${frameLoop(body)}
  for (var c = 0u; c < 3u; c++) {
    smin[lid] = mn[c];
    smax[lid] = mx[c];
    ssa[lid] = sa[c];
    ssb[lid] = sb[c];
    workgroupBarrier();
    for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
      if (lid < s) {
        if (less(smin[lid + s], smin[lid])) { smin[lid] = smin[lid + s]; }
        if (less(smax[lid], smax[lid + s])) { smax[lid] = smax[lid + s]; }
        ssa[lid] = add64(ssa[lid], ssa[lid + s]);
        ssb[lid] = add64(ssb[lid], ssb[lid + s]);
      }
      workgroupBarrier();
    }
    if (lid == 0u && start < f.n) {
      let at = 2u * (f.partials + wg.x * 3u + c);
      partials[at] = vec4u(smin[0], smax[0]);
      partials[at + 1u] = vec4u(ssa[0], ssb[0]);
    }
    workgroupBarrier();
  }
}`;
}

/**
 * Pass 2. Bindings: pixels, frames (`{base, n, low (2 words), high (2 words), count, thresholds,
 * histogram, counting}`), thresholds (`array<u32>`, two words per key), histograms
 * (`array<atomic<u32>>`).
 * @param bins bins per frame
 */
export function histogramWideShader(kind: Wide64, bins: number): string {
  const { declaration, count, flush } = binCounting(bins);
  return `
struct Frame {
  base: u32, n: u32, lowX: u32, lowY: u32, highX: u32, highY: u32,
  count: u32, thresholds: u32, histogram: u32, counting: u32,
}
@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read> frames: array<Frame>;
@group(0) @binding(2) var<storage, read> thresholds: array<u32>;
@group(0) @binding(3) var<storage, read_write> histograms: array<atomic<u32>>;
${common(kind)}
${declaration}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let low = vec2u(frames[wg.y].lowX, frames[wg.y].lowY);
  let high = vec2u(frames[wg.y].highX, frames[wg.y].highY);
  ${
    frameLoop(
      `let q = key(v);
      if (f.counting != 0u && !less(q, low) && !less(high, q)) {
        var a = 0u;
        var z = f.count;
        while (a < z) {
          let mid = (a + z) / 2u;
          let t = 2u * (f.thresholds + mid);
          if (!less(q, vec2u(thresholds[t], thresholds[t + 1u]))) { a = mid + 1u; } else { z = mid; }
        }
        let b = a;
        ${count}
      }`,
    )
  }
  ${flush}
}`;
}
