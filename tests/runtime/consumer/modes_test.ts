/**
 * The consumer's input modes pvas (producers put frames into its hosted input channel) and rpc
 * (producers call it), and its output modes pva (puts into a channel hosted elsewhere) and rpc
 * (calls a service), end to end in process against our server.
 */
import assert from "node:assert/strict";
import { ntScalar, readNTNDArray } from "../../../protocol/nt/mod.ts";
import { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import type { StructValue } from "../../../protocol/pvdata/types.ts";
import {
  frame,
  FRAME_TYPE,
  processed,
  publish,
  source,
  startConsumer,
  stopAll,
  subscribed,
  until,
} from "./harness.ts";
import { withServerAndClient } from "../support.ts";

const IDS = Array.from({ length: 20 }, (_, i) => i + 1);

Deno.test("modes: -im pvas: a producer's puts into the consumer's input channel are processed, in order", async () => {
  await withServerAndClient(async (server, client) => {
    // -siu 0: a put has no current value in front of it (PvaPy skips the first put with its default 1).
    const c = await startConsumer(1, server, client, {
      argv: ["-im", "pvas", "-ic", "c*:input", "-siu", "0", "-oc", "_"],
    });
    try {
      assert.equal(c.channels.input, "c1:input");
      for (const id of IDS) await client.put("c1:input", frame(id));
      await until("20 processed", async () => await processed(c) === 20);
      const p = c.status.processorStats;
      assert.deepEqual([p.firstObjectId, p.lastObjectId, p.nMissed], [1, 20, 0]);
      assert.equal(c.status.receiverStats.nReceived, 20);
      const out = readNTNDArray((await client.get("pvapy:consumer:1:output")).value);
      assert.equal(out.uniqueId, 20);
    } finally {
      await stopAll([c]);
    }
  });
});

Deno.test("modes: -im rpc: each call of a producer is one frame; the reply is {status: 0}", async () => {
  await withServerAndClient(async (server, client) => {
    const c = await startConsumer(1, server, client, { argv: ["-im", "rpc", "-ic", "c1:rpc", "-siu", "0"] });
    try {
      for (const id of IDS) {
        const reply = await client.rpc("c1:rpc", { type: FRAME_TYPE, value: frame(id) });
        assert.deepEqual(reply.value, { status: 0 });
      }
      await until("20 processed", async () => await processed(c) === 20);
      const p = c.status.processorStats;
      assert.deepEqual([p.firstObjectId, p.lastObjectId, p.nMissed], [1, 20, 0]);
    } finally {
      await stopAll([c]);
    }
  });
});

Deno.test("modes: -om pva puts every output into a channel hosted elsewhere", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const received: number[] = [];
    const target = new SharedPV({
      onPut: (_pv, put) => {
        received.push(readNTNDArray(put.value as StructValue).uniqueId);
      },
    });
    target.open({ type: FRAME_TYPE });
    server.addPV("remote:frames", target);
    const c = await startConsumer(1, server, client, { argv: ["-om", "pva", "-oc", "remote:frames"] });
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 20);
      await until(
        "20 published",
        async () => (await c.getStats(), c.status.publisherStats.nPublished === 20),
      );
      assert.deepEqual(received, IDS);
      assert.equal(c.status.publisherStats.nErrors, 0);
    } finally {
      await stopAll([c]);
    }
  });
});

Deno.test("modes: -om rpc calls the service with every output", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const calls: number[] = [];
    const service = new SharedPV({
      onRpc: (args) => {
        calls.push(readNTNDArray(args as never).uniqueId);
        return ntScalar("int32", 0);
      },
    });
    server.addPV("remote:service", service);
    const c = await startConsumer(1, server, client, { argv: ["-om", "rpc", "-oc", "remote:service"] });
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 20);
      await until(
        "20 published",
        async () => (await c.getStats(), c.status.publisherStats.nPublished === 20),
      );
      assert.deepEqual(calls, IDS);
      assert.equal(c.status.publisherStats.nErrors, 0);
    } finally {
      await stopAll([c]);
    }
  });
});
