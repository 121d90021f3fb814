/**
 * The collector end to end, in process on one loopback server: two consumers sharing a source through
 * the distributor and the collector putting their outputs back in order; and producers the test drives
 * itself, one lagging behind the other, within the cache and beyond it.
 */
import assert from "node:assert/strict";
import { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import { Collector } from "../../../runtime/collector/collector.ts";
import type { Consumer } from "../../../runtime/consumer/consumer.ts";
import {
  frame,
  FRAME_TYPE,
  producerReceived,
  publish,
  source,
  startCollector,
  startConsumer,
  stopAll,
  subscribed,
  until,
} from "../consumer/harness.ts";
import { withServerAndClient } from "../support.ts";
import { PvaServer } from "../../../protocol/pva/server/server.ts";
import { runTotals } from "../../../runtime/stats/run_totals.ts";
import { simulatedRun } from "./simulated_run.ts";
import { scalar, struct } from "../../../protocol/pvdata/types.ts";
import { TIME_T } from "../../../protocol/nt/common.ts";

const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

Deno.test("collector: two distributed consumers' outputs collected in order, every frame once", async () => {
  await withServerAndClient(async (server, client) => {
    const FRAMES = 300;
    const pv = source(server);
    const consumers: Consumer[] = [];
    const seen: number[] = [];
    let collector: Collector | undefined;
    try {
      for (const id of [1, 2]) {
        consumers.push(
          await startConsumer(id, server, client, {
            argv: ["-dt", "uniqueId", "-du", "1", "-nc", "2", "-oc", "_"],
          }),
        );
      }
      await subscribed(pv, 2);
      // A consumer's output channel exists from its first output on (a client searching before that
      // backs off up to 30 s): one frame each first, then the collector, then the rest once it monitors
      // both outputs (the first frames reach it as the monitors' initial values).
      await publish(pv, 1, 2);
      await until("both outputs", () => consumers.every((c) => c.accounting().published === 1));
      collector = await startCollector(server, client, [
        "-ic",
        "pvapy:consumer:*:output",
        "-pid",
        "1,2",
        "-siu",
        "0",
        "-sc",
        "_",
        // Consumers publish without waiting for their subscribers; a deep monitor queue absorbs the bursts.
        "-sqs",
        "200",
      ], (f) => seen.push(f.uniqueId));
      const c = collector;
      await until(
        "the collector monitors both outputs",
        async () => await producerReceived(c, 1) === 1 && await producerReceived(c, 2) === 1,
        30_000,
      );
      await publish(pv, 3, FRAMES);
      // The last run waits in the cache (not full) until the idle time or the stop.
      await until("all frames collected or cached", () => {
        const s = c.snapshot();
        return s.collected + s.cached === FRAMES;
      }, 30_000).catch((e) => {
        const overruns = [1, 2].map((p) => c.status[`producerStats_${p}`].receiverStats.nOverruns);
        throw new Error(`${e.message}: ${c.summary()}; overruns ${overruns}`);
      });
      await c.getStats();
      const pvStatus = await client.get("pvapy:collector:1:status");
      const value = pvStatus.value as { collectorStats: { nCollected: number }; missedIds?: unknown };
      assert.equal(
        value.collectorStats.nCollected,
        c.status.collectorStats.nCollected,
        "the status PV says the same",
      );
      assert.equal(value.missedIds, undefined, "the PV keeps PvaPy's structure");
      await stopAll(consumers);
      c.stop();
      await c.done;
      assert.deepEqual(seen, range(1, FRAMES), "processed once each, in order");
      const s = c.snapshot();
      assert.deepEqual(
        {
          collected: s.collected,
          rejected: s.rejected,
          missed: s.missed,
          cached: s.cached,
          ids: s.missedIds,
        },
        { collected: FRAMES, rejected: 0, missed: 0, cached: 0, ids: [] },
      );
      assert.equal(s.processing.processed, FRAMES);
      const status = c.status;
      assert.equal(status.collectorStats.nCollected, FRAMES);
      assert.equal(status.processorStats.nProcessed, FRAMES);
      const shares = [1, 2].map((p) => status[`producerStats_${p}`].receiverStats.nReceived);
      assert.equal(shares[0] + shares[1], FRAMES, `each output frame received once: ${shares}`);
      assert.ok(shares.every((n) => n > 0), "both consumers had a share");
    } finally {
      await stopAll(consumers);
      collector?.stop();
      await collector?.done;
    }
  });
});

/** Producer channels `prod:<id>` on `server`, opened with a frame of id 0... */
function producers(server: PvaServer, ids: number[]): SharedPV[] {
  return ids.map((id) => {
    const pv = new SharedPV();
    pv.open({ type: FRAME_TYPE, value: frame(0) });
    server.addPV(`prod:${id}`, pv);
    return pv;
  });
}

async function post(pv: SharedPV, ids: number[]): Promise<void> {
  for (const id of ids) {
    await pv.waitForRoom();
    pv.post(frame(id));
  }
}

Deno.test("collector: a producer lagging within the cache loses nothing; the idle time releases the rest", async () => {
  await withServerAndClient(async (server, client) => {
    const [p1, p2] = producers(server, [1, 2]);
    const seen: number[] = [];
    const collector = await startCollector(server, client, [
      "-ic",
      "prod:*",
      "-siu",
      "0",
      "--collector-idle-time",
      "0.3",
    ], (f) => seen.push(f.uniqueId));
    try {
      await until("both monitors", () => p1.subscribers().length === 1 && p2.subscribers().length === 1);
      // Each monitor's first update is its producer's current value, id 0: cached together, as tiles are.
      await until(
        "initial values",
        async () => await producerReceived(collector, 1) === 1 && await producerReceived(collector, 2) === 1,
      );
      // Producer 2 runs 8 frames behind producer 1 (cache: 20).
      const odd = range(1, 40).filter((id) => id % 2 === 1);
      const even = range(1, 40).filter((id) => id % 2 === 0);
      await post(p1, odd.slice(0, 4));
      for (let i = 4; i < odd.length; i++) {
        await post(p1, [odd[i]]);
        await until("producer 1's frame", async () => await producerReceived(collector, 1) === i + 2);
        await post(p2, [even[i - 4]]);
      }
      await post(p2, even.slice(-4));
      await until(
        "the last run released by the idle time",
        () => collector.snapshot().collected === 42,
        10_000,
      );
      await until("processed", () => seen.length === 42);
      assert.deepEqual(seen, [0, 0, ...range(1, 40)]);
      const s = collector.snapshot();
      assert.deepEqual([s.missed, s.rejected, s.cached], [0, 0, 0]);
    } finally {
      collector.stop();
      await collector.done;
    }
  });
});

Deno.test("collector: a producer lagging beyond the cache: its late ids named missed and counted rejected", async () => {
  await withServerAndClient(async (server, client) => {
    const [p1, p2] = producers(server, [1, 2]);
    const seen: number[] = [];
    const collector = await startCollector(
      server,
      client,
      ["-ic", "prod:*", "-siu", "0", "-ccs", "4"],
      (f) => seen.push(f.uniqueId),
    );
    try {
      await until(
        "initial values",
        async () => await producerReceived(collector, 1) === 1 && await producerReceived(collector, 2) === 1,
      );
      const before = collector.snapshot();
      // Producer 1 sends 1,3,...,11 before producer 2 sends 2,4,...,12; the cache holds 4.
      await post(p1, [1, 3, 5, 7, 9, 11]);
      await until("producer 1's frames", async () => await producerReceived(collector, 1) === 7);
      await post(p2, [2, 4, 6, 8, 10, 12]);
      await until("producer 2's frames", async () => await producerReceived(collector, 2) === 7);
      collector.stop();
      await collector.done;
      const s = collector.snapshot();
      // The initial values (id 0 from both) wait in the cache. Producer 1: 1, then 3 fills it: run 0, 0, 1
      // out; 5, 7, 9 fill it: run 3 out (2 missed); 11: run 5 out (4 missed). Producer 2: 2 and 4 come
      // late; 6 fills it: run 6, 7 out; 8, 10 fill it: run 8..11 out; 12 waits for the end.
      assert.deepEqual(seen, [0, 0, 1, 3, 5, 6, 7, 8, 9, 10, 11, 12]);
      assert.deepEqual(s.missedIds, [{ first: 2, last: 2 }, { first: 4, last: 4 }]);
      assert.equal(s.missed, 2);
      assert.equal(s.rejected - before.rejected, 2, "2 and 4 rejected when they came");
      assert.match(collector.summary(), /2 missed \(ids 2, 4\)/);
    } finally {
      collector.stop();
      await collector.done;
    }
  });
});

Deno.test("collector: our simulator → two distributed consumers → collector: every frame in order, exact totals", async () => {
  const seen: number[] = [];
  const { stats, consumers, collector: c } = await simulatedRun(
    { runtime: 6 },
    ["-siu", "0", "-sqs", "200"],
    (f) => seen.push(f.uniqueId),
  );
  assert.equal(stats.notDelivered, 0, "both consumers were there from the first frame");
  const published = stats.framesPublished;
  assert.deepEqual(runTotals(published, consumers.map((k) => k.accounting())).unattributed, 0);
  assert.ok(seen[0] < published / 2, `the collector joined early: first id ${seen[0]} of ${published}`);
  assert.deepEqual(seen, range(seen[0], published), "from its first frame on, every frame once, in order");
  const s = c.snapshot();
  assert.deepEqual([s.missed, s.rejected, s.cached], [0, 0, 0]);
});

Deno.test("collector control PV: configure collectorCacheSize releases at once; reset_stats starts a new sequence", async () => {
  await withServerAndClient(async (server, client) => {
    const [p1] = producers(server, [1, 2]);
    const seen: number[] = [];
    const collector = await startCollector(
      server,
      client,
      ["-ic", "prod:*", "-siu", "0", "-cc", "_"],
      (f) => seen.push(f.uniqueId),
    );
    const control = async (command: string, args = "") => {
      await client.put("pvapy:collector:1:control", { command, args });
      return String((await client.get("pvapy:collector:1:control")).value.statusMessage);
    };
    try {
      await until(
        "initial values",
        async () => await producerReceived(collector, 1) === 1 && await producerReceived(collector, 2) === 1,
      );
      await post(p1, [1, 2, 3]);
      await until("cached", () => collector.snapshot().cached === 5);
      assert.deepEqual(seen, [], "a cache of 20 is not full");
      assert.equal(await control("configure", '{"collectorCacheSize": 2}'), "Configuration successful");
      await until("released", () => seen.length === 5);
      assert.deepEqual(seen, [0, 0, 1, 2, 3]);
      assert.match(
        await control("configure", '{"receiverQueueSize": 10}'),
        /^Configuration failed: receiverQueueSize: the collector was started without receiver queues/,
      );
      assert.equal(await control("reset_stats"), "Stats reset successful");
      assert.deepEqual(collector.snapshot().collected, 0);
      // A new sequence: ids below the last released are taken again.
      await post(p1, [1, 2]);
      await until("the new sequence released", () => seen.length === 7);
      assert.deepEqual(seen.slice(5), [1, 2]);
      assert.deepEqual([collector.snapshot().rejected, collector.snapshot().missed], [0, 0]);
      assert.equal(await control("stop"), "Stop flag set");
      await collector.done;
    } finally {
      collector.stop();
      await collector.done;
    }
  });
});

Deno.test("collector: updates without a whole object id are counted rejected by their producer, nothing else", async () => {
  await withServerAndClient(async (server, client) => {
    const [p1] = producers(server, [1, 2]);
    const seen: number[] = [];
    // `codec` is a structure, not an id.
    const collector = await startCollector(
      server,
      client,
      ["-ic", "prod:*", "-of", "codec"],
      (f) => seen.push(f.uniqueId),
    );
    try {
      await until(
        "initial values",
        async () => await producerReceived(collector, 1) === 1 && await producerReceived(collector, 2) === 1,
      );
      await post(p1, [1, 2]);
      await until("received", async () => await producerReceived(collector, 1) === 3);
      const status = collector.status;
      assert.deepEqual(
        [1, 2].map((p) => status[`producerStats_${p}`].receiverStats.nRejected),
        [3, 1],
      );
      assert.deepEqual([collector.snapshot().collected, collector.snapshot().cached, seen.length], [0, 0, 0]);
    } finally {
      collector.stop();
      await collector.done;
    }
  });
});

Deno.test("collector without a processor: structures that are not frames (statistics) collected and published in order", async () => {
  await withServerAndClient(async (server, client) => {
    const type = struct("demo:stats:1.0", {
      uniqueId: scalar("int32"),
      timeStamp: TIME_T,
      mean: scalar("float64"),
    });
    const stats = [1, 2].map((p) => {
      const pv = new SharedPV();
      pv.open({ type, value: { uniqueId: 0, mean: 0 } });
      server.addPV(`stats:${p}`, pv);
      return pv;
    });
    const collector = await startCollector(
      server,
      client,
      [
        "-ic",
        "stats:*",
        "-pid",
        "1,2",
        "-siu",
        "0",
        "-oc",
        "collected:stats",
        "--collector-idle-time",
        "0.2",
      ],
      () => {},
    );
    const c = collector;
    try {
      await until(
        "the collector monitors both producers",
        async () => await producerReceived(c, 1) === 1 && await producerReceived(c, 2) === 1,
      );
      const seen: number[] = [];
      const abort = new AbortController();
      const watching = (async () => {
        for await (const ev of client.monitor("collected:stats", { queueSize: 64, signal: abort.signal })) {
          if (ev.kind === "data") seen.push(Number(ev.value.uniqueId));
        }
      })().catch(() => {});
      const stamp = { secondsPastEpoch: 1_800_000_000, nanoseconds: 0, userTag: 0 };
      for (let id = 1; id <= 10; id++) {
        const pv = stats[(id + 1) % 2];
        await pv.waitForRoom();
        pv.post({ uniqueId: id, timeStamp: { ...stamp, nanoseconds: id }, mean: id / 2 });
      }
      await until("ten collected", () => seen.at(-1) === 10);
      abort.abort();
      await watching;
      assert.deepEqual(seen.filter((id) => id > 0), range(seen.find((id) => id > 0)!, 10));
      const s = c.snapshot();
      assert.deepEqual([s.collected, s.missed, s.rejected], [10, 0, 0], "the placeholders are not collected");
      assert.equal(c.status.processorStats.nErrors, 0);
    } finally {
      c.stop();
      await c.done;
    }
  });
});
