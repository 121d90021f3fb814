import assert from "node:assert/strict";
import { Pacer, sleep } from "../../../runtime/simulator/pacing.ts";
import { fittedRate } from "./rate.ts";

Deno.test("frame n is due at start + n / rate", () => {
  let now = 1000;
  const pacer = new Pacer({ frameRate: 250, now: () => now });
  pacer.start();
  now = 5000;
  assert.equal(pacer.dueAt(0), 1000);
  assert.equal(pacer.dueAt(1), 1004);
  assert.equal(pacer.dueAt(1000), 5000);
});

Deno.test("late frames go out back to back: no waiting until the schedule is met", async () => {
  let now = 0;
  const pacer = new Pacer({ frameRate: 10, now: () => now });
  pacer.start();
  now = 1000; // frames 0..10 are due by now
  const t0 = performance.now();
  for (let n = 1; n <= 10; n++) await pacer.wait(n);
  const spent = performance.now() - t0;
  pacer.close();
  assert.ok(spent < 100, `ten late frames took ${spent} ms, not 0.1 s each`);
});

Deno.test("rate 0 never waits; an abort ends a wait at once", async () => {
  const unpaced = new Pacer({ frameRate: 0 });
  unpaced.start();
  assert.equal(unpaced.dueAt(1_000_000), unpaced.dueAt(0));
  const slow = new Pacer({ frameRate: 0.1 });
  slow.start();
  const ctl = new AbortController();
  const t0 = performance.now();
  const waiting = slow.wait(1, ctl.signal);
  ctl.abort();
  await waiting;
  assert.ok(performance.now() - t0 < 1000, "the 10 s wait ended on abort");
  unpaced.close();
  slow.close();
});

Deno.test("200 frames/s for 2 s: the average rate holds", async () => {
  const pacer = new Pacer({ frameRate: 200 });
  const times: number[] = [];
  pacer.start();
  for (let n = 0; n < 401; n++) {
    await pacer.wait(n);
    times.push(performance.now());
    if (n % 50 === 0) await sleep(12); // a hiccup now and then: later frames catch up
  }
  pacer.close();
  // Never early (within the timer slack), so the end-to-end rate is at most 200; the fitted rate shrugs
  // off a stall of the machine near the end.
  const endToEnd = 400 / ((times[400] - pacer.dueAt(0)) / 1000);
  assert.ok(endToEnd <= 201, `end to end ${endToEnd.toFixed(1)} frames/s`);
  const fitted = fittedRate(times);
  assert.ok(fitted > 190 && fitted < 210, `fitted ${fitted.toFixed(1)} frames/s`);
  const early = times.findIndex((t, n) => t < pacer.dueAt(n) - 1.5);
  assert.equal(early, -1, `frame ${early} went out early`);
});
