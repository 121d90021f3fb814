/**
 * Metadata over Channel Access into a consumer, from the real CA server: EPICS base's IOC embedded
 * in pvapy (`pvaccess.CaIoc`, tests/interop/py/ca_ioc.py). Each frame is stamped one second after
 * the IOC's own time stamp of its values, and the consumer's --metadata-timestamp-offset 1 brings
 * them together; `ca://` and bare (CA) names both work.
 */
import assert from "node:assert/strict";
import { ntNDArray, readNTNDArray, type TimeStamp } from "../../../protocol/nt/mod.ts";
import type { StructValue } from "../../../protocol/pvdata/types.ts";
import { Consumer } from "../../../runtime/consumer/consumer.ts";
import { iocPorts, loopbackClient, startIoc } from "../../ca/helpers.ts";
import { type PeerProcess, requirePeers } from "../../interop/peers.ts";
import { context, options, PASSTHROUGH, processed, source, stopAll, until } from "../consumer/harness.ts";
import { withServerAndClient } from "../support.ts";

const AO = "ca:test:ao";
const LONGIN = "ca:test:longin";
const FRAMES = 8;

async function iocPut(ioc: PeerProcess, name: string, value: number): Promise<void> {
  const reply = await ioc.send(`put ${name} ${JSON.stringify(value)}`) as { error?: string };
  assert.equal(reply.error, undefined);
}

/** A 4x3 frame `id` stamped `stamp`. */
function frameAt(id: number, stamp: TimeStamp): StructValue {
  const data = Uint16Array.from({ length: 12 }, (_, i) => id + i);
  return ntNDArray({ data, dims: [4, 3], uniqueId: id, timeStamp: stamp }).value as StructValue;
}

Deno.test({
  name: "metadata e2e: ca:// and bare CA channels from pvapy's CaIoc become attributes (with an offset)",
  ignore: !requirePeers("CA metadata from pvapy's CaIoc"),
}, async () => {
  const ports = iocPorts();
  await using ioc = await startIoc(ports);
  const ca = loopbackClient([ports.port]);
  try {
    await withServerAndClient(async (server, client) => {
      const pv = source(server);
      const argv = [
        ...["-oc", "out:image", "-sc", "_", "-mc", `ca://${AO},${LONGIN}`],
        // The two puts of a frame are a command round trip to the IOC apart (longer on a loaded
        // machine); frames are seconds after the IOC's first values, and each waits for the next.
        ...["--metadata-timestamp-offset", "1", "--metadata-timestamp-tolerance", "0.5"],
        ...["--metadata-wait-time", "10"],
      ];
      const consumer = await Consumer.start(1, options(...argv), {
        ...context(server, client, PASSTHROUGH),
        caClient: ca,
      });
      try {
        await until("the frame monitor", () => pv.subscribers().some((s) => s.running), 20_000);
        // Each CA monitor first reports the record's current value (from before the test).
        await until("both CA monitors", async () => {
          await consumer.getStats();
          return [1, 2].every((k) => consumer.status[`metadataStats_${k}`].receiverStats.nReceived === 1);
        }, 20_000);
        // The ao record clamps to its drive limits, ±5: values id * 0.5 stay inside.
        for (let id = 1; id <= FRAMES; id++) {
          await iocPut(ioc, AO, id * 0.5);
          await iocPut(ioc, LONGIN, id);
          const { timeStamp } = await ca.get(AO, { timeout: 5000 });
          const stamp = {
            secondsPastEpoch: BigInt(timeStamp!.secondsPastEpoch + 1),
            nanoseconds: timeStamp!.nanoseconds,
            userTag: 0,
          };
          pv.post(frameAt(id, stamp));
          await until(`frame ${id} processed`, async () => await processed(consumer) === id, 20_000);
          const out = readNTNDArray((await client.get("out:image")).value);
          assert.equal(out.uniqueId, id);
          assert.equal(out.attributes.get(AO), id * 0.5, `frame ${id} ${AO}`);
          assert.equal(out.attributes.get(LONGIN), id, `frame ${id} ${LONGIN}`);
          // Frames far apart: the next puts are never within the tolerance of this frame.
          await new Promise((r) => setTimeout(r, 120));
        }
        await consumer.getStats();
        for (const [k, name] of [[1, AO], [2, LONGIN]] as const) {
          const block = consumer.status[`metadataStats_${k}`];
          assert.equal(block.channel, name);
          assert.equal(block.receiverStats.nReceived, FRAMES + 1);
          assert.equal(block.receiverStats.nRejected, 0);
          // The value from before the first frame can match no frame: discarded.
          assert.deepEqual(block.queueStats, {
            nReceived: FRAMES + 1,
            nRejected: 1,
            nDelivered: FRAMES,
            nQueued: 0,
          });
          assert.deepEqual(block.associationStats, { nMatched: FRAMES, nUnmatched: 0, nDiscarded: 1 });
        }
      } finally {
        await stopAll([consumer]);
      }
    });
  } finally {
    ca.close();
  }
});
