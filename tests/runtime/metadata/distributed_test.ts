/**
 * Distributed consumers with metadata: two consumers share the simulator's frames through the
 * distributor, and each receives every metadata value. Each frame must get its own values, and each
 * consumer must account for every value exactly: delivered to its frames, discarded (another
 * consumer's frame), or still queued after its last frame.
 */
import assert from "node:assert/strict";
import { Consumer } from "../../../runtime/consumer/consumer.ts";
import { metadataValue } from "../../../runtime/simulator/metadata_pvs.ts";
import type { Frame } from "../../../runtime/processor/mod.ts";
import { runTotals } from "../../../runtime/stats/run_totals.ts";
import {
  context,
  options,
  PASSTHROUGH,
  processed,
  stopAll,
  sumProcessed,
  until,
} from "../consumer/harness.ts";
import { withServerAndClient } from "../support.ts";
import { lastFrame, metadataSimulator, monitorsRunning } from "./helpers.ts";

const CHANNELS = ["sim:meta:1", "sim:meta:2", "sim:meta:3"];

Deno.test("metadata e2e: 2 distributed consumers, 3 channels: every frame matched, every value accounted for", async () => {
  await withServerAndClient(async (server, client) => {
    const argv = [
      "-dt",
      "uniqueId",
      "-du",
      "1",
      "-nc",
      "2",
      // A deep monitor queue: the simulator does not wait for slow consumers.
      "-sqs",
      "100",
      "-mc",
      CHANNELS.map((n) => `pva://${n}`).join(","),
    ];
    const consumers: Consumer[] = [];
    // Each frame as the processor gets it must carry its own values.
    const wrong: string[] = [];
    const check = (f: Frame) =>
      CHANNELS.forEach((name, k) => {
        const got = f.attributes[name];
        if (got !== metadataValue(f.uniqueId, k + 1)) wrong.push(`frame ${f.uniqueId} ${name}: ${got}`);
      });
    try {
      // Started together, so that both search for the channels from the same moment: the simulator
      // comes up just after, and each finds it at its next search, well within the start delay.
      consumers.push(
        ...await Promise.all(
          [1, 2].map((id) =>
            Consumer.start(id, options(...argv), { ...context(server, client, PASSTHROUGH), onFrame: check })
          ),
        ),
      );
      const sim = await metadataSimulator(server, CHANNELS, { frameRate: 40, runtime: 2.5 });
      try {
        await monitorsRunning(server, sim, CHANNELS, 2);
        const n = await lastFrame(sim);
        await until(`${n} frames processed`, async () => await sumProcessed(consumers) === n, 60_000)
          .catch(() => {});
        assert.equal(
          await sumProcessed(consumers),
          n,
          JSON.stringify({
            totals: runTotals(n, consumers.map((c) => c.accounting())),
            received: consumers.map((c) => c.status.receiverStats),
            metadata: consumers.map((c) => c.status.metadataStats_1),
          }),
        );
        assert.deepEqual(wrong, []);
        assert.deepEqual(runTotals(n, consumers.map((c) => c.accounting())), {
          published: n,
          processed: n,
          processErrors: 0,
          rejected: 0,
          skipped: 0,
          pending: 0,
          missed: 0,
          unattributed: 0,
        });
        for (const c of consumers) {
          const frames = await processed(c);
          assert.ok(frames >= n / 2 - 1 && frames <= n / 2 + 1, `consumer ${c.id}: ${frames} of ${n}`);
          const lastId = c.status.processorStats.lastObjectId;
          CHANNELS.forEach((name, k) => {
            const block = c.status[`metadataStats_${k + 1}`];
            const what = `consumer ${c.id} ${name}: ${frames} frames, last ${lastId}, ${
              JSON.stringify(block)
            }`;
            assert.equal(block.receiverStats.nReceived, n + 1, `${what}: every value, and the PV's first`);
            assert.equal(block.receiverStats.nRejected, 1, `${what}: the PV's value before any frame`);
            const { nDelivered, nRejected, nQueued } = block.queueStats;
            assert.equal(block.queueStats.nReceived, n, what);
            assert.deepEqual(block.associationStats, {
              nMatched: frames,
              nUnmatched: 0,
              nDiscarded: nRejected,
            }, what);
            assert.equal(nDelivered, frames, what);
            // The others' values: discarded, or queued after this consumer's last frame (and those of
            // frames within the tolerance of it, when the simulator ran late and posted back to back).
            assert.equal(nRejected + nQueued, n - frames, what);
            assert.ok(nQueued >= n - lastId, what);
          });
        }
      } finally {
        await sim.stop();
      }
    } finally {
      await stopAll(consumers);
    }
  });
});
