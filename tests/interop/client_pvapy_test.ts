/**
 * Our pvAccess client against the real pvapy server (pvAccessCPP, pvDatabase): every type the catalogue
 * holds read exactly, info, puts read back, RPC, 10,000 monitor updates without a loss, the 4096x4096
 * NTNDArray monitored as pvAccessCPP sends it (in segments), and a server restart during a monitor.
 *
 * pvapy's server cannot refuse a put, cannot hold a negative int8 or a null structure-array element
 * (READY lists what it skipped), and sends pipelined monitor updates with an empty change set (p4p's
 * client sees the same), so its monitors here run without pipelining.
 */
import assert from "node:assert/strict";
import { readNTNDArray } from "../../protocol/nt/mod.ts";
import { expectConnected, expectData, nextEvent } from "../support/monitor_events.ts";
import { requirePeers } from "./peers.ts";
import {
  checkArrays,
  checkCounter,
  checkImages,
  checkInfo,
  checkPuts,
  checkRpc,
  checkScalars,
  checkStructured,
  digest,
  expected,
  PeerSession,
} from "./client_checks.ts";

/** pvapy keeps only some structure ids: types are compared without them. */
const VIEW = { withoutIds: true };

/**
 * The frame's data must be a view onto the received message: a copy would own a buffer of exactly its
 * own size at offset 0, whereas the message payload holds the fields before and after the data too.
 */
function assertViewOfMessage(data: Uint8Array): void {
  assert.ok(data.byteOffset > 0, `data at offset ${data.byteOffset} of its buffer`);
  const extra = data.buffer.byteLength - data.byteLength;
  assert.ok(extra > 0 && extra < 64 * 1024, `buffer ${data.buffer.byteLength} bytes for ${data.byteLength}`);
}

Deno.test(
  { name: "our client against the pvapy server", ignore: !requirePeers("our client against pvapy") },
  async (t) => {
    const s = await PeerSession.start("pvapy_server.py");
    try {
      await t.step("get NTScalar of every scalar type", () => checkScalars(s, VIEW));
      await t.step("get NTScalarArray of every type and of 1,000,000 doubles", () => checkArrays(s, VIEW));
      await t.step(
        "get NTEnum, NTTable, nested, union, any, structure array",
        () => checkStructured(s, VIEW),
      );
      await t.step("get NTNDArray 1024x1024 uint16 and 4096x4096 uint8", () => checkImages(s));
      await t.step("info equals the type of get", () => checkInfo(s));
      await t.step("put scalar, string, arrays, enum by name, structure members", () => checkPuts(s));
      await t.step("rpc", () => checkRpc(s));
      // Without pipelining nothing paces pvDatabase: each burst fits the queue it was given.
      await t.step(
        "10,000 monitor updates in bursts of record[queueSize=1000], none lost",
        () => checkCounter(s, { count: 10_000, chunk: 1000, queueSize: 1000, pipeline: false }),
      );

      await t.step(
        "monitor of the 4096x4096 uint8 NTNDArray: segmented frames, data viewing the message",
        async () => {
          const sub = s.client.monitor(s.pv("image:u8"), { queueSize: 2, pipeline: false });
          try {
            await expectConnected(sub);
            const first = readNTNDArray((await expectData(sub)).value);
            const want = readNTNDArray(expected("image:u8"));
            const ramp = want.data as Uint8Array;
            assert.deepEqual([first.dims, first.uniqueId], [want.dims, want.uniqueId]);
            assert.equal(digest(first.data), digest(want.data));
            assertViewOfMessage(first.data as Uint8Array);
            // New frames come from our puts: pvDatabase then sends the whole frame to the monitor again.
            for (let k = 1; k <= 2; k++) {
              const frame = ramp.map((x) => x + 17 * k);
              const uniqueId = want.uniqueId + k;
              await s.client.put(s.pv("image:u8"), { uniqueId, value: { name: "ubyteValue", value: frame } });
              const got = readNTNDArray((await expectData(sub)).value);
              assert.deepEqual([got.dims, got.uniqueId], [want.dims, uniqueId]);
              assert.equal(digest(got.data), digest(frame), `frame ${k}`);
              assertViewOfMessage(got.data as Uint8Array);
            }
          } finally {
            sub.close();
          }
        },
      );

      await t.step(
        "a server restart during a monitor: disconnected, then connected and data again",
        async () => {
          const sub = s.client.monitor(s.pv("counter"), { pipeline: false });
          try {
            await expectConnected(sub);
            const start = (await expectData(sub)).value.value as number;
            assert.deepEqual(await s.server.send("burst 2"), { ok: "burst", reply: start + 2 });
            assert.equal((await expectData(sub)).value.value, start + 1);
            assert.equal((await expectData(sub)).value.value, start + 2);
            await s.restart(["--only", "counter"]);
            assert.equal((await nextEvent(sub)).kind, "disconnected");
            await expectConnected(sub, 15_000);
            // A new process: the counter starts from the catalogue's value again.
            assert.equal(
              (await expectData(sub)).value.value,
              (expected("counter").value as { value: number }).value,
            );
          } finally {
            sub.close();
          }
        },
      );
    } finally {
      await s.close();
    }
  },
);
