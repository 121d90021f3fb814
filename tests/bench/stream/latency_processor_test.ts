/** The latency probe: quantiles of known latencies, and frames passed through unchanged. */
import assert from "node:assert/strict";
import { LatencyProbe } from "../../../bench/stream/latency_processor.ts";
import { frameFromNTNDArray, ntNDArray, timeStampFrom } from "../../../mod.ts";

/** The probe's clock, fixed: every frame is processed at this instant. */
const NOW = Date.UTC(2026, 11, 2);

/** A frame published `agoMs` milliseconds before {@link NOW}. */
function frameAged(agoMs: number) {
  const published = NOW - agoMs;
  return frameFromNTNDArray(
    ntNDArray({ data: new Uint8Array(4), dims: [2, 2], timeStamp: timeStampFrom(published) }),
  );
}

Deno.test("the probe reports median, 99th percentile and maximum of what it measured", () => {
  const probe = new LatencyProbe(() => NOW);
  // 98 frames 1 ms old, one 5 ms and one 40 ms old: median ~1 ms, p99 ~5 ms, max ~40 ms.
  const ages = [...Array(98).fill(1), 5, 40];
  for (const age of ages) {
    const f = frameAged(age);
    assert.equal(probe.process(f), f);
  }
  const s = probe.stats();
  assert.equal(s.frames, 100n);
  const near = (v: number | bigint, want: number) =>
    assert.ok(Math.abs(Number(v) - want) <= 0.011, `${v} vs ${want}`);
  near(s.latencyP50Ms, 1);
  near(s.latencyP99Ms, 5);
  near(s.latencyMaxMs, 40);
  probe.resetStats();
  assert.equal(probe.stats().frames, 0n);
  assert.equal(probe.stats().latencyP99Ms, 0);
});
