/**
 * A consumer killed mid-run (issue 10): two consumer tools in subprocesses share a source through the
 * distributor, our collector collects their outputs; one consumer hangs on a frame and is killed with
 * frames queued for it. The distributor gives the rest to the survivor, and the collector names exactly
 * the ids that never arrived, nothing else.
 */
import assert from "node:assert/strict";
import { Collector } from "../../../runtime/collector/collector.ts";
import {
  frame,
  MISBEHAVE,
  producerReceived,
  publish,
  startCollector,
  subscribed,
  until,
} from "../consumer/harness.ts";
import { ended, ROOT, spawnTool, type Tool, withSource } from "../consumer/subprocess.ts";

const LAST = 400;
const HANG = 201;

function consumerTool(id: number, env: Record<string, string>): Tool {
  return spawnTool([
    `${ROOT}scripts/consumer.ts`,
    "-ic",
    "det:image",
    "-id",
    String(id),
    "-dt",
    "uniqueId",
    "-du",
    "1",
    "-oc",
    "_",
    "-sc",
    "_",
    // The test reads progress from the status PVs: refresh them every second.
    "-rp",
    "1",
    "--processor-file",
    MISBEHAVE,
    "--processor-class",
    "Misbehave",
    // The hung frame must not be given up on (a restart would process the frames queued behind it).
    "--processor-time-limit",
    "600",
  ], env);
}

Deno.test("collector: a consumer killed mid-run; the collector names exactly the ids that never arrived", async () => {
  await withSource(async ({ server, pv, client, env }) => {
    const tools = [1, 2].map((id) => consumerTool(id, env));
    const seen: number[] = [];
    let collector: Collector | undefined;
    try {
      await until("both consumers subscribed", () => pv.subscribers().length === 2, 90_000)
        .catch((e) => {
          throw new Error(`${e.message}\n${tools.map((t) => t.output()).join("\n")}`);
        });
      await subscribed(pv, 2);
      await publish(pv, 1, 2);
      // Which consumer takes the odd ids: its first frame is 1.
      const firsts = await Promise.all([1, 2].map(async (id) => {
        let first = 0;
        await until(`consumer ${id}'s first output`, async () => {
          const s = await client.get(`pvapy:consumer:${id}:status`, { timeout: 2000 }).catch(() => null);
          first = Number(
            (s?.value as { processorStats?: { firstObjectId: number } })?.processorStats?.firstObjectId ?? 0,
          );
          return first > 0;
        }, 30_000);
        return first;
      }));
      const odd = firsts.indexOf(1);
      assert.ok(odd >= 0, `one consumer starts at 1: ${firsts}`);
      collector = await startCollector(
        server,
        client,
        ["-ic", "pvapy:consumer:*:output", "-pid", "1,2", "-siu", "0", "-sqs", "200"],
        (f) => seen.push(f.uniqueId),
      );
      const c = collector;
      await until(
        "the collector monitors both outputs",
        async () => await producerReceived(c, 1) === 1 && await producerReceived(c, 2) === 1,
        30_000,
      );
      await publish(pv, 3, HANG - 1);
      await until("frames before the hang collected or cached", () => {
        const s = c.snapshot();
        return s.collected + s.cached === HANG - 1;
      }, 30_000).catch((e) => {
        const producers = [1, 2].map((p) => JSON.stringify(c.status[`producerStats_${p}`].receiverStats));
        throw new Error(`${e.message}: ${c.summary()} ${producers}`);
      });
      // Frame 201 (odd) hangs its consumer; the odd frames after it queue behind it until the kill.
      pv.post(frame(HANG, { attributes: { do: "hang" } }));
      for (let id = HANG + 1; id <= 260; id++) {
        pv.post(frame(id));
        await new Promise((r) => setTimeout(r, 5));
      }
      const survivor = 1 - odd;
      await until("the survivor's even frames up to 260", async () => {
        const s = await client.get(`pvapy:consumer:${survivor + 1}:status`, { timeout: 2000 }).catch(() =>
          null
        );
        return Number(
          (s?.value as { processorStats: { lastObjectId: number } })?.processorStats.lastObjectId,
        ) === 260;
      }, 30_000);
      tools[odd].proc.kill("SIGKILL");
      await tools[odd].exited;
      await until("the killed consumer's monitor gone", () => pv.subscribers().length === 1, 15_000);
      await publish(pv, 261, LAST);
      // The survivor published the even ids up to 260 and every id after: the collector receives them all.
      const survivorPublished = (260 / 2) + (LAST - 260);
      await until(
        "the survivor's frames received",
        async () => await producerReceived(c, survivor + 1) === survivorPublished,
        30_000,
      );
      c.stop();
      await c.done;
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `in order at ${i}: ${seen[i]}`);
      const arrived = new Set(seen);
      const never: number[] = [];
      for (let id = 1; id <= LAST; id++) if (!arrived.has(id)) never.push(id);
      const expected: number[] = [];
      for (let id = HANG; id < 260; id += 2) expected.push(id);
      assert.deepEqual(never, expected, "only the killed consumer's queued frames never arrived");
      const s = c.snapshot();
      const named = s.missedIds.flatMap((r) =>
        Array.from({ length: r.last - r.first + 1 }, (_, i) => r.first + i)
      );
      assert.deepEqual(named, never, "the collector names exactly those");
      assert.deepEqual([s.missed, s.rejected, s.collected], [never.length, 0, LAST - never.length]);
    } finally {
      collector?.stop();
      await collector?.done;
      await Promise.all(tools.map(ended));
    }
  });
});
