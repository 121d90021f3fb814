/**
 * The zero-loss search against modelled pipelines: one that holds up to a known rate (short
 * probes and full windows alike), one whose short probes pass higher than its full window
 * holds, and one that never holds; and the budget that limits each search.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { roundRate, type SearchPlan, searchZeroLoss } from "../../../bench/stream/search.ts";
import { SearchBudget } from "../../../bench/stream/budget.ts";

const PLAN: SearchPlan = {
  start: 1000,
  probeWindow: 2,
  fullWindow: 15,
  maxProbes: 8,
  maxConfirms: 3,
  precision: 1.15,
  ceiling: 100_000,
  stepDown: 0.8,
};

/**
 * A pipeline that loses frames above `limit` frames/s (above `shortLimit` in windows under 10 s),
 * carrying `limit` frames/s when asked for more.
 */
function model(limit: number, shortLimit = limit) {
  return (rate: number, window: number) => {
    const carries = window < 10 ? shortLimit : limit;
    return Promise.resolve({ held: rate <= carries, delivered: Math.min(1, carries / rate) });
  };
}

Deno.test("the search ends within precision below the limit of a pipeline, and confirms over the full window", async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 20, max: 50_000 }), async (limit) => {
      const r = await searchZeroLoss(model(limit), PLAN);
      assert.ok(r.rate <= limit, `reported ${r.rate} above the limit ${limit}`);
      const last = r.trials[r.trials.length - 1];
      assert.equal(last.window, PLAN.fullWindow);
      assert.equal(last.rate, r.rate);
      assert.ok(r.trials.filter((t) => t.window === PLAN.probeWindow).length <= PLAN.maxProbes);
      // Far from the start, eight probes may not reach 15%; near it they must.
      if (limit >= 200 && limit <= 5000) assert.ok(r.rate >= limit / 1.2, `${r.rate} too far below ${limit}`);
    }),
    { numRuns: 60 },
  );
});

Deno.test("a rate that held only in short probes is stepped down until the full window holds", async () => {
  const r = await searchZeroLoss(model(3000, 5000), { ...PLAN, maxConfirms: 5 });
  const full = r.trials.filter((t) => t.window === PLAN.fullWindow);
  assert.ok(full.length >= 2, "the first confirmation fails");
  assert.ok(!full[0].result.held);
  assert.ok(r.rate <= 3000 && r.rate >= 3000 * PLAN.stepDown, `rate ${r.rate}`);
  assert.equal(r.confirmed?.held, true);
});

Deno.test("a confirmation that fails far above the full window's limit steps down to what was carried", async () => {
  // Short probes hold up to 3000 frames/s, the full window only 1000: 20% steps would need five confirmations.
  const r = await searchZeroLoss(model(1000, 3000), { ...PLAN, maxConfirms: 2 });
  const full = r.trials.filter((t) => t.window === PLAN.fullWindow);
  assert.equal(full.length, 2);
  assert.ok(!full[0].result.held && full[1].result.held);
  assert.ok(r.rate <= 1000 && r.rate >= 1000 * Math.sqrt(PLAN.stepDown) * 0.99, `rate ${r.rate}`);
  // Without the share carried, the same search steps 20% at a time and finds nothing.
  const blind = (rate: number, window: number) =>
    Promise.resolve({ held: rate <= (window < 10 ? 3000 : 1000) });
  assert.equal((await searchZeroLoss(blind, { ...PLAN, maxConfirms: 2 })).rate, 0);
});

Deno.test("a pipeline that never holds reports 0 within its trial limits", async () => {
  const r = await searchZeroLoss(model(0), { ...PLAN, maxProbes: 3, maxConfirms: 2 });
  assert.equal(r.rate, 0);
  assert.equal(r.confirmed, undefined);
  assert.equal(r.trials.length, 5);
});

Deno.test("rates keep three significant digits and at least 1 frame/s", () => {
  assert.deepEqual([0.2, 7.4, 123.4, 1234, 98_765].map(roundRate), [1, 7, 123, 1230, 98_800]);
});

Deno.test("budget: every search gets two confirmations and at least two probes, even when the time is spent", () => {
  const spent = new SearchBudget(0, 3, 3);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(spent.next({ probe: 3, full: 15 }), { maxProbes: 2, maxConfirms: 2 });
  }
  // 600 s for 2 searches: 300 s each, one confirmation (23 s) reserved, probes of 11 s.
  const ample = new SearchBudget(600, 2, 3);
  assert.equal(ample.next({ probe: 3, full: 15 }).maxProbes, Math.floor((300 - 23) / 11));
});
