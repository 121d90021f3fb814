/**
 * `--field-request` with and without the distributor, in process against our server: the
 * processor sees only the requested fields (the probe fixture counts the attributes and
 * dimensions of what reaches it), and everything without a field request.
 */
import assert from "node:assert/strict";
import type { Consumer } from "../../../runtime/consumer/consumer.ts";
import { PROBE, processed, publish, source, startConsumer, stopAll, subscribed, until } from "./harness.ts";
import { withServerAndClient } from "../support.ts";

/** What the probe saw of the last frame. */
async function probed(c: Consumer): Promise<{ frames: number; attributes: number; dimensions: number }> {
  await c.getStats();
  const u = c.status.userStats as Record<string, bigint | number>;
  return { frames: Number(u.frames), attributes: Number(u.attributes), dimensions: Number(u.dimensions) };
}

const TAGGED = { attributes: () => ({ detector: "sim", exposure: "0.1" }) };

for (
  const [name, argv, expected] of [
    ["all fields without a field request", [], { attributes: 2, dimensions: 2 }],
    ["only value and uniqueId with -fr", ["-fr", "field(value,uniqueId)"], { attributes: 0, dimensions: 0 }],
    [
      "only value and uniqueId with -fr and the distributor",
      ["-fr", "field(value,uniqueId)", "-dt", "uniqueId", "-du", "1"],
      { attributes: 0, dimensions: 0 },
    ],
    [
      "value, uniqueId and attribute with -fr and the distributor",
      ["-fr", "field(value,uniqueId,attribute)", "-dt", "uniqueId"],
      { attributes: 2, dimensions: 0 },
    ],
  ] as const
) {
  Deno.test(`field request: ${name}`, async () => {
    await withServerAndClient(async (server, client) => {
      const pv = source(server);
      const c = await startConsumer(1, server, client, { file: PROBE, className: "Probe", argv: [...argv] });
      try {
        await subscribed(pv, 1);
        await publish(pv, 1, 10, TAGGED);
        await until("10 processed", async () => await processed(c) === 10);
        assert.deepEqual(await probed(c), { frames: 10, ...expected });
        assert.equal(c.status.processorStats.nErrors, 0);
        assert.equal(c.status.processorStats.lastObjectId, 10);
      } finally {
        await stopAll([c]);
      }
    });
  });
}
