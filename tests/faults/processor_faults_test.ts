/**
 * A processor that throws, hangs, or (in process isolation) exhausts its memory, under a running consumer
 * beside a second consumer of the same frames: the failures are counted as errors (with the frames in flight
 * when a sandbox is ended), the sandbox is restarted and processes the frames after the faults, and the other
 * consumer processes all of them.
 */
import assert from "node:assert/strict";
import { Consumer, type ConsumerContext } from "../../runtime/consumer/consumer.ts";
import type { Isolation } from "../../runtime/processor/mod.ts";
import {
  context,
  MISBEHAVE,
  options,
  PASSTHROUGH,
  publish,
  source,
  subscribed,
  until,
} from "../runtime/consumer/harness.ts";
import { withServerAndClient } from "../runtime/support.ts";

const FRAMES = 20;

/** What the misbehaving processor is told to do with some frames, by isolation. */
function faults(isolation: Isolation): Map<number, string> {
  const base: [number, string][] = [[5, "hang"], [9, "throw"]];
  // A Worker shares its host's process: a heap exhausted there ends the host (see docs/processors.md).
  return new Map(isolation === "process" ? [...base, [13, "bomb"]] : base);
}

for (const isolation of ["worker", "process"] as const) {
  Deno.test(`${isolation}: a processor that misbehaves (${[...faults(isolation).values()].join(", ")}) is restarted; both consumers go on`, async () => {
    await withServerAndClient(async (server, client) => {
      const pv = source(server);
      const bad: ConsumerContext = context(server, client, MISBEHAVE, "Misbehave");
      bad.processor = { ...bad.processor, isolation, timeLimitMs: 2000, memoryMb: 96 };
      const misbehaving = await Consumer.start(1, options("-rqs", "100"), bad);
      const other = await Consumer.start(2, options("-rqs", "100"), context(server, client, PASSTHROUGH));
      const todo = faults(isolation);
      try {
        await subscribed(pv, 2);
        await publish(pv, 1, FRAMES, {
          attributes: (id): Record<string, string> => todo.has(id) ? { do: todo.get(id)! } : {},
        });
        const handled = async (c: Consumer) => {
          await c.getStats();
          return c.status.processorStats.nProcessed + c.status.processorStats.nErrors;
        };
        await until(
          "every frame handled by both",
          async () => await handled(misbehaving) === FRAMES && await handled(other) === FRAMES,
          120_000,
        );
        // A restart also fails the frames in flight behind the one that hung or died.
        const { nErrors, nProcessed } = misbehaving.status.processorStats;
        assert.ok(nErrors >= todo.size, `${nErrors} errors for ${todo.size} faults`);
        assert.ok(nProcessed > 0 && nProcessed <= FRAMES - todo.size, `${nProcessed} processed`);
        assert.equal(
          misbehaving.status.processorStats.lastObjectId,
          FRAMES,
          "frames after the faults processed",
        );
        assert.equal(
          other.status.processorStats.nProcessed,
          FRAMES,
          "the other consumer processed every frame",
        );
        assert.equal(other.status.processorStats.nErrors, 0);
        for (const c of [misbehaving, other]) assert.equal(c.status.processorStats.nMissed, 0);
      } finally {
        misbehaving.stop();
        other.stop();
        await Promise.all([misbehaving.done, other.done]);
      }
    });
  });
}
