/**
 * SearchSchedule, the search timer both clients share: first search after the delay given,
 * retries after the protocol's delays, removal, hurry and close.
 */
import assert from "node:assert/strict";
import { SearchSchedule } from "../../protocol/search_schedule.ts";
import { within } from "../support/within.ts";

/** A schedule that records each tick's due items; retries after `retryMs(attempt)`. */
function recorder(retryMs: (attempt: number) => number) {
  const ticks: string[][] = [];
  const attempts: number[] = [];
  let wake = () => {};
  const schedule = new SearchSchedule<string>({
    retryMs: (attempt) => {
      attempts.push(attempt);
      return retryMs(attempt);
    },
    onDue: (due) => {
      ticks.push(due);
      wake();
    },
  });
  /** Resolves once `n` ticks have happened. */
  const ticked = async (n: number) => {
    while (ticks.length < n) await new Promise<void>((resolve) => wake = resolve);
  };
  return { schedule, ticks, attempts, ticked };
}

Deno.test("search schedule: items added together are due together, then retried with attempts counted from 1", async () => {
  const { schedule, ticks, attempts, ticked } = recorder((attempt) => 5 * attempt);
  schedule.add(1, "a", 0);
  schedule.add(2, "b", 0);
  await within(ticked(3), 2000, "three ticks");
  schedule.close();
  assert.deepEqual(ticks.slice(0, 3), [["a", "b"], ["a", "b"], ["a", "b"]]);
  assert.deepEqual(attempts.slice(0, 6), [1, 1, 2, 2, 3, 3]);
});

Deno.test("search schedule: a removed item is not searched again, and remove says whether it was there", async () => {
  const { schedule, ticks, ticked } = recorder(() => 5);
  schedule.add(1, "a", 0);
  schedule.add(2, "b", 0);
  await within(ticked(1), 2000, "first tick");
  assert.equal(schedule.remove(1), true);
  assert.equal(schedule.remove(1), false);
  assert.equal(schedule.size, 1);
  await within(ticked(3), 2000, "two more ticks");
  schedule.close();
  assert.deepEqual(ticks.slice(1, 3), [["b"], ["b"]]);
});

Deno.test("search schedule: hurry makes a far-off retry due now; close forgets everything", async () => {
  const { schedule, ticks, ticked } = recorder(() => 60_000);
  schedule.add(1, "a", 0);
  await within(ticked(1), 2000, "first tick");
  schedule.hurry();
  await within(ticked(2), 2000, "the hurried tick");
  assert.deepEqual(ticks, [["a"], ["a"]]);
  schedule.close();
  assert.equal(schedule.size, 0);
  schedule.add(2, "b", 0);
  assert.equal(schedule.size, 0);
});
