/**
 * The Consumer in process, against our server: frames in, processor in its sandbox, outputs,
 * status and control PVs, exact accounting alone and shared through the distributor.
 */
import assert from "node:assert/strict";
import { readNTNDArray } from "../../../protocol/nt/mod.ts";
import { Consumer } from "../../../runtime/consumer/consumer.ts";
import {
  context,
  MISBEHAVE,
  options,
  PASSTHROUGH,
  processed,
  PROCESSORS,
  publish,
  source,
  subscribed,
  until,
} from "./harness.ts";
import { withServerAndClient } from "../support.ts";

Deno.test("consumer: every frame processed in its sandbox and published; status and control PVs work", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await Consumer.start(
      1,
      options("-oc", "_", "-sc", "_", "-cc", "_"),
      context(server, client, PASSTHROUGH),
    );
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 200);
      await until("200 processed", async () => await processed(c) === 200);
      const out = readNTNDArray((await client.get("pvapy:consumer:1:output")).value);
      assert.equal(out.uniqueId, 200);
      assert.deepEqual([...out.data], Array.from({ length: 12 }, (_, i) => 200 + i));

      const status = (await client.get("pvapy:consumer:1:status")).value as Record<
        string,
        Record<string, unknown>
      >;
      assert.equal(status.consumerId as unknown, 1);
      assert.equal(status.processorStats.nProcessed, 200);
      assert.equal(status.processorStats.nMissed, 0);
      assert.equal(status.receiverStats.nReceived, 200);
      assert.equal(status.publisherStats.nPublished, 200);

      await client.put("pvapy:consumer:1:control", { command: "stop" });
      await c.done;
      assert.equal(
        await client.get("pvapy:consumer:1:control").catch(() => null),
        null,
        "the control PV is gone",
      );
    } finally {
      c.stop();
      await c.done;
    }
  });
});

Deno.test("consumer: a processor that throws counts an error and the stream goes on", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await Consumer.start(
      1,
      options("-rqs", "100"),
      context(server, client, MISBEHAVE, "Misbehave"),
    );
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 30, {
        attributes: (id): Record<string, string> => id === 7 || id === 19 ? { do: "throw" } : {},
      });
      await until("30 frames handled", async () => {
        await c.getStats();
        return c.status.processorStats.nProcessed + c.status.processorStats.nErrors === 30;
      });
      assert.equal(c.status.processorStats.nProcessed, 28);
      assert.equal(c.status.processorStats.nErrors, 2);
      assert.equal(c.status.processorStats.lastObjectId, 30);
      assert.equal(c.status.queueStats.nRejected, 0);
    } finally {
      c.stop();
      await c.done;
    }
  });
});

Deno.test("consumer: image statistics reach the status PV's userStats", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const c = await Consumer.start(
      3,
      options("-sc", "_"),
      context(server, client, new URL("image_stats.ts", PROCESSORS).href),
    );
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 5);
      await until("5 processed", async () => await processed(c) === 5);
      const status = (await client.get("pvapy:consumer:3:status")).value as {
        userStats: Record<string, unknown>;
      };
      assert.equal(status.userStats.nFrames, 5n);
      // The last frame, 5: pixels 5..16.
      assert.equal(status.userStats.min, 5);
      assert.equal(status.userStats.max, 16);
    } finally {
      c.stop();
      await c.done;
    }
  });
});

Deno.test("consumer: two consumers share the frames through the distributor; the totals are exact", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const opts = options("-dt", "uniqueId", "-du", "1", "-nc", "2");
    const file = PASSTHROUGH;
    const a = await Consumer.start(1, opts, context(server, client, file));
    const b = await Consumer.start(2, opts, context(server, client, file));
    try {
      await subscribed(pv, 2);
      await publish(pv, 1, 300);
      await until("300 processed between them", async () => await processed(a) + await processed(b) === 300);
      for (const c of [a, b]) {
        assert.ok(c.status.processorStats.nProcessed > 0, `consumer ${c.id} got a share`);
        assert.equal(c.status.processorStats.nMissed, 0, `consumer ${c.id} missed nothing`);
      }
    } finally {
      a.stop();
      b.stop();
      await Promise.all([a.done, b.done]);
    }
  });
});
