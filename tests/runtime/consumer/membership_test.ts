/**
 * Consumers joining and leaving a distributed run (stopped, or their process killed), and
 * sources that do not wait for room: the run totals (runtime/stats runTotals) stay exact or,
 * when the server folds frames, name the missed ids and nothing else.
 */
import assert from "node:assert/strict";
import type { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import type { Consumer } from "../../../runtime/consumer/consumer.ts";
import type { IdRange } from "../../../runtime/stats/id_ranges.ts";
import { runTotals } from "../../../runtime/stats/run_totals.ts";
import { withServerAndClient } from "../support.ts";
import {
  frame,
  PROBE,
  processed,
  publish,
  source,
  startConsumer,
  stopAll,
  subscribed,
  sumProcessed,
  until,
} from "./harness.ts";
import { ended, ROOT, spawnTool, statusProcessed, withSource } from "./subprocess.ts";

const DISTRIBUTED = ["-dt", "uniqueId", "-du", "1"];

function idsOf(ranges: readonly IdRange[]): number[] {
  return ranges.flatMap(({ first, last }) => Array.from({ length: last - first + 1 }, (_, i) => first + i));
}

/** Posts frames `first..last` without waiting for room, a few per millisecond. */
async function flood(pv: SharedPV, first: number, last: number): Promise<void> {
  for (let id = first; id <= last; id++) {
    pv.post(frame(id));
    if (id % 4 === 0) await new Promise((r) => setTimeout(r, 1));
  }
}

/** Waits until nothing is pending and the consumers' counts stopped moving for 500 ms. */
async function settled(consumers: readonly Consumer[]): Promise<void> {
  let last = "";
  let since = performance.now();
  await until("the consumers to settle", async () => {
    for (const c of consumers) await c.getStats();
    const snaps = consumers.map((c) => c.accounting());
    const now = JSON.stringify(snaps.map((s) => [s.received, s.processed, s.missed]));
    if (now !== last) [last, since] = [now, performance.now()];
    const idle = snaps.every((s) => s.received === s.rejected + s.processed + s.processErrors);
    return idle && performance.now() - since > 500;
  }, 20_000);
}

for (const updates of [1, 3]) {
  Deno.test(`membership: -du ${updates}, a consumer joins and another stops mid-run; every frame processed exactly once`, async () => {
    await withServerAndClient(async (server, client) => {
      const pv = source(server);
      const seen: number[] = [];
      const start = (id: number) =>
        startConsumer(id, server, client, {
          argv: ["-dt", "uniqueId", "-du", String(updates)],
          onFrameId: (i) => seen.push(i),
        });
      const all: Consumer[] = [];
      try {
        const [a, b] = [await start(1), await start(2)];
        all.push(a, b);
        await subscribed(pv, 2);
        await publish(pv, 1, 100);
        const c = await start(3); // its first update is frame 100, the current value: skipped
        all.push(c);
        await subscribed(pv, 3);
        await publish(pv, 101, 200);
        await until("200 processed", async () => await sumProcessed(all) === 200);
        // b leaves holding nothing; posting resumes once the server has dropped its subscription.
        b.stop();
        await b.done;
        await subscribed(pv, 2);
        await publish(pv, 201, 300);
        await until("300 processed", async () => await sumProcessed(all) === 300);
        assert.deepEqual(runTotals(300, all.map((x) => x.accounting())), {
          published: 300,
          processed: 300,
          processErrors: 0,
          rejected: 0,
          skipped: 0,
          pending: 0,
          missed: 0,
          unattributed: 0,
        });
        assert.deepEqual(seen.toSorted((x, y) => x - y), Array.from({ length: 300 }, (_, i) => i + 1));
        assert.ok(c.status.processorStats.firstObjectId > 100, "the joiner starts after its current value");
        assert.ok(b.status.processorStats.lastObjectId <= 200, "nothing went to b after it stopped");
        for (const x of all) assert.deepEqual(x.accounting().missedIds, []);
      } finally {
        await stopAll(all);
      }
    });
  });
}

Deno.test("membership: a consumer tool whose process is killed mid-run; the others take every later frame", async () => {
  await withSource(async ({ server, pv, client, env }) => {
    const args = [`${ROOT}scripts/consumer.ts`, "-ic", "det:image", "-id", "9", "-sc", "_", "-rp", "1"];
    const tool = spawnTool([...args, ...DISTRIBUTED], env);
    const a = await startConsumer(1, server, client, { argv: DISTRIBUTED });
    try {
      await subscribed(pv, 2);
      await publish(pv, 1, 100);
      // The tool's status PV (refreshed every second) says how many it processed.
      let killed = 0;
      await until("100 processed between them", async () => {
        killed = await statusProcessed(client, 9);
        return killed + await processed(a) === 100;
      }, 60_000);
      assert.ok(killed > 0, "the tool got a share");
      await ended(tool);
      await subscribed(pv, 1);
      await publish(pv, 101, 200);
      await until("a processed every later frame", async () => await processed(a) === 200 - killed);
      const totals = runTotals(200, [a.accounting()]);
      assert.equal(totals.missed, 0);
      assert.equal(totals.pending, 0);
      assert.equal(totals.unattributed, killed, "exactly the frames the killed tool processed");
      assert.equal(a.status.processorStats.lastObjectId, 200);
    } finally {
      await ended(tool);
      await stopAll([a]);
    }
  });
});

Deno.test("membership: a slow consumer without a distributor, overrun: exactly the lost ids are named", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const seen = new Set<number>();
    const c = await startConsumer(1, server, client, {
      file: PROBE,
      className: "Probe",
      argv: ["-sqs", "2", "-sc", "_", "-pa", JSON.stringify({ delayMs: 5 })],
      onFrameId: (id) => seen.add(id),
    });
    try {
      await subscribed(pv, 1);
      await flood(pv, 1, 300);
      await settled([c]);
      const snap = c.accounting();
      assert.ok(pv.stats.overruns > 0, "the server folded frames");
      assert.ok(snap.missed > 0 && snap.overruns > 0);
      const status = (await client.get("pvapy:consumer:1:status")).value as {
        processorStats: { nMissed: number };
      };
      assert.equal(status.processorStats.nMissed, snap.missed, "the status PV counts the named ids");
      const missed = idsOf(snap.missedIds);
      assert.equal(missed.length, snap.missed);
      assert.ok(missed.every((id) => !seen.has(id)), "no processed frame is named missed");
      assert.equal(missed.length + seen.size, 300, "every frame processed or named missed");
      assert.deepEqual(runTotals(300, [snap]), {
        published: 300,
        processed: seen.size,
        processErrors: 0,
        rejected: 0,
        skipped: 0,
        pending: 0,
        missed: missed.length,
        unattributed: 0,
      });
    } finally {
      await stopAll([c]);
    }
  });
});

for (const updates of [1, 3]) {
  Deno.test(`membership: distributed consumers (-du ${updates}) overrun by a source that does not wait: the totals balance`, async () => {
    await withServerAndClient(async (server, client) => {
      const pv = source(server);
      const seen: number[] = [];
      const consumers: Consumer[] = [];
      const argv = [
        "-dt",
        "uniqueId",
        "-du",
        String(updates),
        "-sqs",
        "2",
        "-pa",
        JSON.stringify({ delayMs: 5 }),
      ];
      try {
        for (const id of [1, 2]) {
          consumers.push(
            await startConsumer(id, server, client, {
              file: PROBE,
              className: "Probe",
              argv,
              onFrameId: (i) => seen.push(i),
            }),
          );
        }
        await subscribed(pv, 2);
        await flood(pv, 1, 400);
        await settled(consumers);
        assert.ok(pv.stats.overruns > 0, "the server folded frames");
        const snaps = consumers.map((c) => c.accounting());
        const t = runTotals(400, snaps);
        assert.equal(
          t.processed + t.processErrors + t.rejected + t.skipped + t.pending + t.missed + t.unattributed,
          400,
        );
        assert.equal(t.pending, 0);
        assert.equal(t.processed, seen.length);
        assert.equal(new Set(seen).size, seen.length, "no frame processed twice");
        assert.equal(
          t.missed + t.unattributed,
          pv.stats.overruns,
          "each frame the server folded is lost once",
        );
        const missed = snaps.flatMap((s) => idsOf(s.missedIds));
        assert.ok(missed.every((id) => !seen.includes(id)), "no processed frame is named missed");
        const gaps = snaps.flatMap((s) => idsOf(s.unattributedGaps));
        assert.ok(t.unattributed >= 0, `unattributed ${t.unattributed}`);
        assert.ok(
          t.unattributed <= gaps.length,
          `unattributed ${t.unattributed} within the gaps (${gaps.length})`,
        );
        consumers.forEach((c, i) => assert.equal(c.status.processorStats.nMissed, snaps[i].missed));
      } finally {
        await stopAll(consumers);
      }
    });
  });
}

Deno.test("membership: consumers join and stop while the source floods: missed ids are never processed ones", async () => {
  await withServerAndClient(async (server, client) => {
    const pv = source(server);
    const seen: number[] = [];
    const argv = [...DISTRIBUTED, "-sqs", "2", "-pa", JSON.stringify({ delayMs: 3 })];
    const start = (id: number) =>
      startConsumer(id, server, client, {
        file: PROBE,
        className: "Probe",
        argv,
        onFrameId: (i) => seen.push(i),
      });
    const all: Consumer[] = [];
    try {
      all.push(await start(1), await start(2));
      await subscribed(pv, 2);
      await flood(pv, 1, 200);
      all.push(await start(3));
      await subscribed(pv, 3);
      await flood(pv, 201, 400);
      all[1].stop();
      await all[1].done;
      await subscribed(pv, 2);
      await flood(pv, 401, 600);
      await settled(all);
      const snaps = all.map((c) => c.accounting());
      const t = runTotals(600, snaps);
      assert.ok(pv.stats.overruns > 0, "the server folded frames");
      assert.equal(
        t.processed + t.processErrors + t.rejected + t.skipped + t.pending + t.missed + t.unattributed,
        600,
      );
      assert.equal(t.pending, 0);
      assert.ok(t.unattributed >= 0, `unattributed ${t.unattributed}`);
      assert.equal(t.processed, seen.length);
      assert.equal(new Set(seen).size, seen.length, "no frame processed twice");
      const missed = snaps.flatMap((s) => idsOf(s.missedIds));
      assert.equal(new Set(missed).size, missed.length, "no frame named missed twice");
      assert.ok(missed.every((id) => !seen.includes(id)), "no processed frame is named missed");
      all.forEach((c, i) => assert.equal(c.status.processorStats.nMissed, snaps[i].missed));
    } finally {
      await stopAll(all);
    }
  });
});
