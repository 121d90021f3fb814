/**
 * The consumer's queues in process against our server: the server queue size it asks for, the
 * receiver queue bounded (refusals counted exactly) and unbounded, accumulation by count and
 * by timeout, and skipped initial updates.
 */
import assert from "node:assert/strict";
import type { Consumer } from "../../../runtime/consumer/consumer.ts";
import { PROBE, processed, publish, source, startConsumer, stopAll, subscribed, until } from "./harness.ts";
import { withServerAndClient } from "../support.ts";

/** The probe holds frame 1 for this long, while the other frames arrive. */
const SLOW_FIRST = ["-pa", JSON.stringify({ slowIds: [1], delayMs: 1500 })];

async function handled(c: Consumer): Promise<number> {
  await c.getStats();
  const s = c.status;
  return s.processorStats.nProcessed + s.processorStats.nErrors + s.queueStats.nRejected;
}

Deno.test("queues: --server-queue-size reaches the server as the subscription's queue size", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await startConsumer(1, server, client, { argv: ["-sqs", "7"] });
    try {
      await subscribed(pv, 1);
      assert.deepEqual(pv.subscribers().map((s) => s.queueSize), [7]);
      await publish(pv, 1, 20);
      await until("20 processed", async () => await processed(c) === 20);
    } finally {
      await stopAll([c]);
    }
  });
});

Deno.test("queues: a bounded receiver queue refuses what does not fit, counted exactly", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await startConsumer(1, server, client, {
      file: PROBE,
      className: "Probe",
      argv: ["-rqs", "5", ...SLOW_FIRST],
    });
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 30);
      await until("30 frames handled", async () => await handled(c) === 30);
      const { processorStats: p, queueStats: q, receiverStats: r } = c.status;
      assert.equal(r.nReceived, 30);
      assert.ok(q.nRejected > 0, "frame 1 held the queue full");
      assert.equal(r.nRejected, q.nRejected);
      assert.equal(p.nProcessed + q.nRejected, 30);
      // The queue keeps the oldest frames and refuses the newest: those processed are 1..n.
      assert.equal(p.firstObjectId, 1);
      assert.equal(p.lastObjectId, p.nProcessed);
      assert.ok(p.nProcessed >= 5, `the 5 queued frames are processed (${p.nProcessed})`);
      assert.equal(p.nMissed, 0, "refused frames are not missed ones");
      assert.equal(q.nQueued, 0);
    } finally {
      await stopAll([c]);
    }
  });
});

Deno.test("queues: an unbounded receiver queue refuses nothing", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await startConsumer(1, server, client, {
      file: PROBE,
      className: "Probe",
      argv: ["-rqs", "0", ...SLOW_FIRST],
    });
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 30);
      await until("30 processed", async () => await processed(c) === 30);
      assert.equal(c.status.queueStats.nRejected, 0);
      assert.equal(c.status.processorStats.lastObjectId, 30);
    } finally {
      await stopAll([c]);
    }
  });
});

Deno.test("queues: -ao 5 processes once 5 frames wait; -at hands out a partial batch after its timeout", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await startConsumer(1, server, client, { argv: ["-rqs", "0", "-ao", "5", "-at", "2"] });
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 4);
      await until("4 received", async () => (await c.getStats(), c.status.receiverStats.nReceived === 4));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await processed(c), 0, "4 of 5 wait for the fifth");
      await publish(pv, 5, 5);
      await until("the batch of 5 processed", async () => await processed(c) === 5, 1500);

      await publish(pv, 6, 7);
      const t0 = performance.now();
      await until("the partial batch processed", async () => await processed(c) === 7, 10_000);
      const waited = performance.now() - t0;
      assert.ok(waited >= 1500, `a partial batch waits for the 2 s timeout (${waited.toFixed(0)} ms)`);
    } finally {
      await stopAll([c]);
    }
  });
});

Deno.test("queues: -siu 3 skips the first three updates (the current value and two frames)", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await startConsumer(1, server, client, { argv: ["-siu", "3"] });
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 10);
      await until("8 processed", async () => await processed(c) === 8);
      const s = c.status;
      assert.equal(s.processorStats.firstObjectId, 3);
      assert.equal(s.processorStats.lastObjectId, 10);
      assert.equal(s.receiverStats.nReceived, 8);
      assert.equal(s.processorStats.nMissed, 0);
    } finally {
      await stopAll([c]);
    }
  });
});

Deno.test("queues: a stop processes what waits in the queue, a partial batch included", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await startConsumer(1, server, client, { argv: ["-rqs", "0", "-ao", "5", "-at", "30"] });
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 3);
      await until("3 received", async () => (await c.getStats(), c.status.receiverStats.nReceived === 3));
      assert.equal(await processed(c), 0, "3 of 5 wait for the batch");
      c.stop();
      await c.done;
      const p = c.status.processorStats;
      assert.deepEqual([p.nProcessed, p.firstObjectId, p.lastObjectId], [3, 1, 3]);
      assert.equal(c.status.queueStats.nQueued, 0);
    } finally {
      await stopAll([c]);
    }
  });
});
