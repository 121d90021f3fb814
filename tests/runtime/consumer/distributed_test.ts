/**
 * Consumers sharing a source through our server's distributor, in process: 2 and 3 consumers,
 * one update per turn and three, groups that each receive every frame, and sets taking turns.
 * The run totals (runtime/stats runTotals) must be exact: every published frame processed once
 * per group, nothing missed, nothing unattributed.
 */
import assert from "node:assert/strict";
import type { Consumer } from "../../../runtime/consumer/consumer.ts";
import { runTotals } from "../../../runtime/stats/run_totals.ts";
import {
  PROBE,
  publish,
  source,
  startConsumer,
  stopAll,
  subscribed,
  sumProcessed,
  until,
} from "./harness.ts";
import { withServerAndClient } from "../support.ts";

const FRAMES = 300;

/** The run totals of consumers that shared `published` frames: exact, nothing pending. */
function assertExact(published: number, consumers: readonly Consumer[]): void {
  assert.deepEqual(runTotals(published, consumers.map((c) => c.accounting())), {
    published,
    processed: published,
    processErrors: 0,
    rejected: 0,
    skipped: 0,
    pending: 0,
    missed: 0,
    unattributed: 0,
  });
  for (const c of consumers) {
    assert.ok(c.status.processorStats.nProcessed > 0, `consumer ${c.id} got a share`);
    assert.equal(c.status.processorStats.nMissed, 0, `consumer ${c.id} missed nothing`);
    assert.deepEqual(c.accounting().missedIds, []);
  }
}

for (const [n, updates] of [[2, 1], [3, 1], [2, 3], [3, 3]]) {
  Deno.test(`distributed: ${n} consumers, -dt uniqueId -du ${updates}: every frame processed once`, async () => {
    await withServerAndClient(async (server, client) => {
      const pv = source(server);
      const argv = ["-dt", "uniqueId", "-du", String(updates), "-nc", String(n)];
      const consumers: Consumer[] = [];
      try {
        for (let id = 1; id <= n; id++) consumers.push(await startConsumer(id, server, client, { argv }));
        await subscribed(pv, n);
        await publish(pv, 1, FRAMES);
        await until(`${FRAMES} processed`, async () => await sumProcessed(consumers) === FRAMES);
        assertExact(FRAMES, consumers);
        // Turns of `updates` consecutive ids, first connected first served: consumer k starts its
        // first turn at frame (k-1)*updates+1.
        consumers.forEach((c, k) =>
          assert.equal(
            c.status.processorStats.firstObjectId,
            k * updates + 1,
            `consumer ${c.id}'s first frame`,
          )
        );
        const shares = consumers.map((c) => c.status.processorStats.nProcessed);
        const turns = FRAMES / updates;
        const expected = consumers.map((_, k) => updates * (Math.floor(turns / n) + (k < turns % n ? 1 : 0)));
        assert.deepEqual(shares, expected, "the turns go round in order");
      } finally {
        await stopAll(consumers);
      }
    });
  });
}

Deno.test("distributed: two groups (-dg) each receive every frame; the consumers of a group share them", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const groups: Consumer[][] = [[], []];
    try {
      for (const [g, name] of ["a", "b"].entries()) {
        for (const id of [1, 2]) {
          const argv = ["-dt", "uniqueId", "-du", "1", "-dg", name];
          groups[g].push(await startConsumer(10 * (g + 1) + id, server, client, { argv }));
        }
      }
      await subscribed(pv, 4);
      await publish(pv, 1, FRAMES);
      for (const group of groups) {
        await until(`${FRAMES} processed in a group`, async () => await sumProcessed(group) === FRAMES);
        assertExact(FRAMES, group);
      }
    } finally {
      await stopAll(groups.flat());
    }
  });
});

Deno.test("distributed: two sets (-ds) take turns; every member of a set receives its set's frames", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const sets: Consumer[][] = [[], []];
    try {
      for (const [s, name] of ["a", "b"].entries()) {
        for (const id of [1, 2]) {
          const argv = ["-dt", "uniqueId", "-du", "1", "-ds", name];
          sets[s].push(await startConsumer(10 * (s + 1) + id, server, client, { argv }));
        }
      }
      await subscribed(pv, 4);
      await publish(pv, 1, FRAMES);
      // Set a (first to join) takes the odd frames, set b the even ones; mode `all` by default.
      await until(
        "each member processed its set's half",
        async () => await sumProcessed(sets.flat()) === 2 * FRAMES,
      );
      for (const [s, set] of sets.entries()) {
        for (const c of set) {
          const p = c.status.processorStats;
          assert.equal(p.nProcessed, FRAMES / 2, `consumer ${c.id}`);
          assert.equal(p.firstObjectId, s + 1);
          assert.equal(p.lastObjectId, FRAMES - 1 + s);
          assert.equal(p.nMissed, 0);
        }
        // One member of a set is a run of its own over its set's frames.
        assert.equal(runTotals(FRAMES / 2, [set[0].accounting()]).unattributed, 0);
      }
    } finally {
      await stopAll(sets.flat());
    }
  });
});

Deno.test("distributed: two sets in mode one: the members of each set share its frames", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const sets: Consumer[][] = [[], []];
    try {
      for (const [s, name] of ["a", "b"].entries()) {
        for (const id of [1, 2]) {
          const argv = ["-dt", "uniqueId", "-du", "1", "-ds", name, "--distributor-mode", "one"];
          sets[s].push(await startConsumer(10 * (s + 1) + id, server, client, { argv }));
        }
      }
      await subscribed(pv, 4);
      await publish(pv, 1, FRAMES);
      await until(`${FRAMES} processed`, async () => await sumProcessed(sets.flat()) === FRAMES);
      for (const set of sets) assertExact(FRAMES / 2, set);
    } finally {
      await stopAll(sets.flat());
    }
  });
});

Deno.test("distributed: bounded receiver queues refuse what does not fit; the run totals count it exactly", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const consumers: Consumer[] = [];
    // Each consumer's first frame (1 and 2) holds its processor while the others arrive.
    const argv = [
      "-dt",
      "uniqueId",
      "-du",
      "1",
      "-rqs",
      "3",
      "-pa",
      JSON.stringify({ slowIds: [1, 2], delayMs: 1500 }),
    ];
    try {
      for (const id of [1, 2]) {
        consumers.push(await startConsumer(id, server, client, { file: PROBE, className: "Probe", argv }));
      }
      await subscribed(pv, 2);
      await publish(pv, 1, 60);
      await until("60 frames handled", async () => {
        let n = 0;
        for (const c of consumers) {
          await c.getStats();
          n += c.status.processorStats.nProcessed + c.status.queueStats.nRejected;
        }
        return n === 60;
      });
      const t = runTotals(60, consumers.map((c) => c.accounting()));
      assert.ok(t.rejected > 0, "the queues were full");
      assert.deepEqual(t, {
        published: 60,
        processed: 60 - t.rejected,
        processErrors: 0,
        rejected: t.rejected,
        skipped: 0,
        pending: 0,
        missed: 0,
        unattributed: 0,
      });
      for (const c of consumers) {
        assert.equal(c.status.receiverStats.nRejected, c.accounting().rejected);
      }
    } finally {
      await stopAll(consumers);
    }
  });
});

Deno.test("distributed: frames skipped by -siu 2 are accounted as skipped, not as lost", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const consumers: Consumer[] = [];
    try {
      for (const id of [1, 2]) {
        consumers.push(
          await startConsumer(id, server, client, { argv: ["-dt", "uniqueId", "-du", "1", "-siu", "2"] }),
        );
      }
      await subscribed(pv, 2);
      await publish(pv, 1, 100);
      // Each skips its current value (frame 0) and its first frame: 1 and 2.
      await until("98 processed", async () => await sumProcessed(consumers) === 98);
      const t = runTotals(100, consumers.map((c) => c.accounting()));
      assert.equal(t.skipped, 2);
      assert.equal(t.processed, 98);
      assert.equal(t.unattributed, 0);
      assert.deepEqual(consumers.map((c) => c.status.processorStats.firstObjectId), [3, 4]);
    } finally {
      await stopAll(consumers);
    }
  });
});
