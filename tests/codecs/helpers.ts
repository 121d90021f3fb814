/**
 * What the codec tests share: detector-like images made in TypeScript, byte views and a check
 * that a function either returns or throws a CodecError (nothing else), quickly.
 */
import assert from "node:assert/strict";
import { CodecError } from "../../protocol/codecs/mod.ts";
import type { NumericArray } from "../../protocol/pvdata/mod.ts";

/** A small seeded generator (mulberry32), so failures reproduce. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A width × height uint16 frame as detectors give them: a gradient, a few bright spots and
 * noise of a few counts, so the low bits vary and the high bits mostly do not.
 */
export function detectorImage(width: number, height: number, seed = 1): Uint16Array {
  const random = seeded(seed);
  const spots = Array.from({ length: 6 }, () => [random() * width, random() * height, 5 + random() * 30]);
  const out = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 100 + 0.05 * x + 0.03 * y + (random() - 0.5) * 12;
      for (const [cx, cy, r] of spots) v += 500 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
      out[y * width + x] = v;
    }
  }
  return out;
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(a: NumericArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Slowest acceptable decode of one small corrupted input. */
const QUICK_MS = 500;

/** Runs `fn`; anything thrown must be a CodecError naming `codec`, and it must finish quickly. */
export function decodesOrRejects(codec: string, fn: () => unknown): "decoded" | "rejected" {
  const start = performance.now();
  let outcome: "decoded" | "rejected" = "decoded";
  try {
    fn();
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    assert.ok(e.codec.startsWith(codec), `error names ${e.codec}, expected ${codec}`);
    outcome = "rejected";
  }
  const took = performance.now() - start;
  assert.ok(took < QUICK_MS, `decode took ${took.toFixed(0)} ms`);
  return outcome;
}
