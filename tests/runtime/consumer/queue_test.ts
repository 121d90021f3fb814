import assert from "node:assert/strict";
import { ReceiverQueue } from "../../../runtime/consumer/queue.ts";

Deno.test("receiver queue: bounded, a full queue refuses, order kept; the bound can change", async () => {
  const q = new ReceiverQueue<number>({ size: 2 });
  assert.equal(q.offer(1), true);
  assert.equal(q.offer(2), true);
  assert.equal(q.offer(3), false);
  assert.equal(q.length, 2);
  assert.deepEqual(await q.take(), [1]);
  assert.equal(q.offer(4), true);
  q.size = 3;
  assert.equal(q.offer(5), true);
  assert.deepEqual(await q.take(), [2]);
  assert.deepEqual(await q.take(), [4]);
  assert.deepEqual(await q.take(), [5]);
  assert.equal(q.length, 0);
});

Deno.test("receiver queue: size 0 is unbounded", async () => {
  const q = new ReceiverQueue<number>({ size: 0 });
  for (let i = 0; i < 5000; i++) assert.equal(q.offer(i), true);
  let next = 0;
  for (let i = 0; i < 5000; i++) {
    const [v] = (await q.take())!;
    assert.equal(v, next++);
  }
});

Deno.test("receiver queue: a waiting take wakes on the next offer", async () => {
  const q = new ReceiverQueue<string>({ size: 4 });
  const pending = q.take();
  setTimeout(() => q.offer("a"), 10);
  assert.deepEqual(await pending, ["a"]);
});

Deno.test("receiver queue: accumulates batches, and hands out a partial one after the timeout", async () => {
  const q = new ReceiverQueue<number>({ size: 0, accumulate: 3, accumulationTimeoutMs: 50 });
  for (const i of [1, 2, 3, 4]) q.offer(i);
  assert.deepEqual(await q.take(), [1, 2, 3]);
  const t0 = performance.now();
  assert.deepEqual(await q.take(), [4]);
  assert.ok(performance.now() - t0 >= 40, "the partial batch waited for the timeout");
});

Deno.test("receiver queue: close hands out what waits, then ends; later offers are rejected", async () => {
  const q = new ReceiverQueue<number>({ size: 0, accumulate: 10, accumulationTimeoutMs: 60_000 });
  q.offer(1);
  q.offer(2);
  const pending = q.take();
  q.close();
  assert.deepEqual(await pending, [1, 2]);
  assert.equal(await q.take(), null);
  assert.equal(q.offer(3), false);
});
