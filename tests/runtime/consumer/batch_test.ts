/**
 * Batches: with `--accumulate-objects N` and a receiver queue, a processor that has `processBatch`
 * receives N frames per call, a partial batch after the accumulation timeout and at stop, and
 * every frame of a batch is accounted for once.
 */
import assert from "node:assert/strict";
import { type Frame, frameFromNTNDArray, ntNDArray, ProcessorHost } from "../../../mod.ts";
import type { Consumer } from "../../../runtime/consumer/consumer.ts";
import { processed, publish, source, startConsumer, stopAll, subscribed, until } from "./harness.ts";
import { withServerAndClient } from "../support.ts";

const BATCHER = new URL("fixtures/batcher.ts", import.meta.url).href;

/** What the batcher saw, as the status shows it. */
function seen(c: Consumer): { batches: number[]; singles: number } {
  const u = c.status.userStats as unknown as { batches: number[]; singles: number };
  return { batches: [...u.batches], singles: u.singles };
}

Deno.test("batches: -ao 4 hands 4 frames to processBatch, a partial one after -at, and publishes each frame", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await startConsumer(1, server, client, {
      file: BATCHER,
      className: "Batcher",
      argv: ["-rqs", "0", "-ao", "4", "-at", "0.5", "-oc", "batch:out"],
    });
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 10);
      await until("10 processed", async () => await processed(c) === 10);
      await c.getStats();
      assert.deepEqual(seen(c), { batches: [4, 4, 2], singles: 0 });
      const s = c.status;
      assert.equal(s.publisherStats.nPublished, 10);
      assert.equal(s.processorStats.nErrors, 0);
      assert.deepEqual([s.processorStats.firstObjectId, s.processorStats.lastObjectId], [1, 10]);
    } finally {
      await stopAll([c]);
    }
  });
});

Deno.test("batches: a failing batch counts each of its frames as an error; a batch of one goes to process", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await startConsumer(1, server, client, {
      file: BATCHER,
      className: "Batcher",
      argv: ["-rqs", "0", "-ao", "3", "-at", "30", "-pa", JSON.stringify({ failIds: [5] })],
    });
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 7);
      await until("6 handled", async () => {
        await c.getStats();
        const p = c.status.processorStats;
        return p.nProcessed + p.nErrors === 6;
      });
      // Frame 7 waits for its batch; the stop hands it over alone.
      c.stop();
      await c.done;
      const p = c.status.processorStats;
      assert.deepEqual([p.nProcessed, p.nErrors], [4, 3]);
      // The status after the stop holds the processor's last statistics.
      assert.deepEqual(seen(c), { batches: [3, 3], singles: 1 });
    } finally {
      await stopAll([c]);
    }
  });
});

for (const isolation of ["worker", "process"] as const) {
  Deno.test(`batches: ProcessorHost.processBatch moves a batch to the sandbox and back (${isolation})`, async () => {
    const host = new ProcessorHost({ file: BATCHER, className: "Batcher", isolation, startLimitMs: 120_000 });
    await host.start();
    try {
      assert.equal(host.batching, true);
      const pixels = [1, 2, 3].map((id) => Uint16Array.from({ length: 12 }, (_, i) => id * 100 + i));
      const frames = pixels.map((p, k) =>
        frameFromNTNDArray(ntNDArray({ data: p.slice(), dims: [4, 3], uniqueId: k + 1 }))
      );
      const out = await host.processBatch(frames) as Frame[];
      assert.deepEqual(out.map((f) => [f.uniqueId, f.data]), pixels.map((p, k) => [k + 1, p]));
      assert.deepEqual((await host.stats()).batches, Uint32Array.from([3]));
    } finally {
      await host.stop();
    }
  });
}
