/**
 * The server under bad input: malformed frames close only the connection that sent them,
 * stale ids are ignored, unsupported operations are refused with a Status, and the
 * connection-level chores (ECHO, idle timeout) work.
 */
import assert from "node:assert/strict";
import { encodeControl, encodeMessage } from "../../../protocol/pva/frame.ts";
import { Command, ControlCommand, Flag, Subcmd } from "../../../protocol/pva/header.ts";
import {
  writeDestroyChannel,
  writeGetFieldRequest,
  writeRequestRef,
} from "../../../protocol/pva/messages/mod.ts";
import { readChanged } from "../../../protocol/pvdata/partial.ts";
import { readNonNullType } from "../../../protocol/pvdata/typedesc.ts";
import type { FieldDesc, StructValue } from "../../../protocol/pvdata/types.ts";
import { defaultValue } from "../../../protocol/pvdata/value.ts";
import { type OpReply, RawPvaClient } from "../../support/raw_pva.ts";
import { clientOf, COUNTER_TYPE, counterPv, nextData, sleep, startServer } from "./harness.ts";

const PV = "t:counter";

/** One frame as a single byte array. */
function frameBytes(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((o, c) => (out.set(c, o), o + c.length), 0);
  return out;
}

/** An ECHO frame carrying `payload` as one segment (`flag` is one of Flag.SEGMENT_*). */
function echoSegment(flag: number, payload: Uint8Array): Uint8Array {
  const bytes = frameBytes(encodeMessage(Command.ECHO, "client", true, (w) => w.bytes(payload)));
  bytes[2] |= flag;
  return bytes;
}

/** The `value` member of a GET reply. */
function getValue(reply: OpReply, type: FieldDesc): unknown {
  return (readChanged(reply.r, type, defaultValue(type)).value as StructValue).value;
}

/** A channel plus an INITed GET on ioid `ioid`, returning the channel's sid and type. */
async function openGet(raw: RawPvaClient, ioid: number): Promise<{ sid: number; type: FieldDesc }> {
  const { sid, status } = await raw.createChannel(PV);
  assert.equal(status.type, "ok");
  const init = await raw.init(Command.GET, sid, ioid);
  assert.equal(init.head.status.type, "ok");
  return { sid, type: readNonNullType(init.r, "GET type") };
}

const MALFORMED: [string, (raw: RawPvaClient) => Promise<unknown>][] = [
  ["bad magic", (raw) => raw.write(new Uint8Array([0xcb, 2, 0, Command.ECHO, 0, 0, 0, 0]))],
  [
    "server direction flag from a client",
    (raw) => raw.stream.send(encodeMessage(Command.ECHO, "server", true, (w) => w.u32(1))),
  ],
  [
    "CREATE_CHANNEL claiming three names but carrying one",
    (raw) =>
      raw.send(Command.CREATE_CHANNEL, (w) => {
        w.u16(3);
        w.u32(1);
        w.string(PV);
      }),
  ],
  [
    "GET INIT with a garbage pvRequest type",
    async (raw) => {
      const { sid } = await raw.createChannel(PV);
      await raw.request(Command.GET, sid, 1, Subcmd.INIT, (w) => w.bytes(new Uint8Array([0xee, 1, 2, 3])));
    },
  ],
  [
    "a middle segment with no first one",
    (raw) => raw.write(echoSegment(Flag.SEGMENT_MIDDLE, new Uint8Array(4))),
  ],
  [
    "segments adding up to more than maxMessageBytes",
    async (raw) => {
      await raw.write(echoSegment(Flag.SEGMENT_FIRST, new Uint8Array(40 * 1024)));
      await raw.write(echoSegment(Flag.SEGMENT_LAST, new Uint8Array(40 * 1024)));
    },
  ],
  [
    "a message larger than maxMessageBytes",
    (raw) => {
      const bytes = frameBytes(encodeMessage(Command.ECHO, "client", true, () => {}));
      new DataView(bytes.buffer).setUint32(4, 1 << 20, true);
      return raw.write(bytes);
    },
  ],
];

Deno.test("malformed input closes that connection only; other clients and new connections carry on", async () => {
  const counter = counterPv();
  using s = await startServer({ [PV]: counter }, { config: { limits: { maxMessageBytes: 64 * 1024 } } });
  const client = clientOf(s.server);
  try {
    const sub = client.monitor(PV);
    assert.equal((await nextData(sub)).value.value, 0);
    let posted = 0;
    for (const [what, sendBad] of MALFORMED) {
      const raw = await RawPvaClient.connect(s.port);
      assert.equal(s.server.connectionCount, 2, what);
      const channel = await raw.createChannel(PV, 100);
      await raw.init(Command.MONITOR, channel.sid, 100);
      await raw.request(Command.MONITOR, channel.sid, 100, Subcmd.START);
      await raw.reply(Command.MONITOR);
      assert.equal(counter.subscriberCount, 2, what);

      await sendBad(raw);
      assert.ok(await raw.closesWithin(3000), `${what}: the server kept the connection`);
      assert.equal(s.server.connectionCount, 1, `${what}: the server still counts the connection`);
      assert.equal(
        counter.subscriberCount,
        1,
        `${what}: the closed connection's monitor is still subscribed`,
      );

      counter.post({ value: ++posted });
      assert.equal((await nextData(sub)).value.value, posted, `${what}: monitor`);
      assert.equal((await client.get(PV)).value.value, posted, `${what}: get`);

      const fresh = await RawPvaClient.connect(s.port);
      const { sid, type } = await openGet(fresh, 1);
      await fresh.request(Command.GET, sid, 1, Subcmd.GET);
      assert.equal(getValue(await fresh.reply(Command.GET), type), posted, `${what}: new connection`);
      fresh.close();
    }
    sub.close();
  } finally {
    client.close();
  }
});

Deno.test("stale and unknown ids are ignored without closing the connection", async () => {
  using s = await startServer({ [PV]: counterPv(7), "t:other": counterPv() });
  const raw = await RawPvaClient.connect(s.port);
  try {
    const { sid, type } = await openGet(raw, 1);
    const other = (await raw.createChannel("t:other", 2)).sid;
    const unknownSid = 1000;
    await raw.request(Command.GET, sid, 77, Subcmd.GET);
    await raw.request(Command.GET, other, 1, Subcmd.GET);
    await raw.request(Command.GET, unknownSid, 78, Subcmd.INIT, (w) => w.bytes(new Uint8Array([0xfd])));
    await raw.request(Command.PUT, unknownSid, 79, 0x00);
    await raw.request(Command.MONITOR, unknownSid, 80, Subcmd.START);
    await raw.send(Command.DESTROY_REQUEST, (w) => writeRequestRef(w, { sid, ioid: 81 }));
    await raw.send(Command.CANCEL_REQUEST, (w) => writeRequestRef(w, { sid, ioid: 82 }));
    await raw.send(
      Command.GET_FIELD,
      (w) => writeGetFieldRequest(w, { sid: unknownSid, ioid: 83, subField: "" }),
    );
    await raw.send(Command.DESTROY_CHANNEL, (w) => writeDestroyChannel(w, { sid: unknownSid, cid: 9 }));
    assert.deepEqual(await raw.ping(), [], "the server answered a stale id");
    assert.equal(raw.isClosed, false);

    await raw.request(Command.GET, sid, 1, Subcmd.GET);
    const reply = await raw.reply(Command.GET);
    assert.equal(reply.head.status.type, "ok");
    assert.equal(getValue(reply, type), 7);
  } finally {
    raw.close();
  }
});

Deno.test("GET exec answers subcommands 0x00 and 0x40; 0x50 also ends the operation", async () => {
  const counter = counterPv(1);
  using s = await startServer({ [PV]: counter });
  const raw = await RawPvaClient.connect(s.port);
  try {
    const { sid, type } = await openGet(raw, 1);
    for (const [subcmd, value] of [[0x00, 1], [0x40, 2], [0x50, 3]]) {
      counter.post({ value });
      await raw.request(Command.GET, sid, 1, subcmd);
      const reply = await raw.reply(Command.GET);
      assert.equal(reply.head.subcmd, subcmd);
      assert.equal(reply.head.status.type, "ok");
      assert.equal(getValue(reply, type), value, `subcommand 0x${subcmd.toString(16)}`);
    }
    await raw.request(Command.GET, sid, 1, Subcmd.GET);
    assert.deepEqual(await raw.ping(), [], "an exec after GET|DESTROY was answered");
    // The ioid is free again: reusing an ioid still in use would close the connection.
    const again = await raw.init(Command.GET, sid, 1);
    assert.equal(again.head.status.type, "ok");
    assert.equal(raw.isClosed, false);
  } finally {
    raw.close();
  }
});

Deno.test("PROCESS, PUT_GET and ARRAY are refused with an error Status; unknown commands are ignored", async () => {
  using s = await startServer({ [PV]: counterPv() });
  const raw = await RawPvaClient.connect(s.port);
  try {
    const { sid } = await raw.createChannel(PV);
    let ioid = 1;
    for (const command of [Command.PROCESS, Command.PUT_GET, Command.ARRAY]) {
      const { head } = await raw.init(command, sid, ++ioid);
      assert.equal(head.ioid, ioid);
      assert.equal(head.subcmd, Subcmd.INIT);
      assert.equal(head.status.type, "error");
      assert.match(head.status.message, /not supported/);
    }
    const rpc = await raw.init(Command.RPC, sid, ++ioid);
    assert.match(rpc.head.status.message, /does not support RPC/);

    await raw.send(0x30, (w) => w.u32(0xdeadbeef));
    await raw.send(Command.AUTHNZ, (w) => w.string("whatever"));
    await raw.write(encodeControl(ControlCommand.MARK_TOTAL_BYTES_SENT, "client", true, 1234));
    assert.deepEqual(await raw.ping(), []);

    const init = await raw.init(Command.GET, sid, ++ioid);
    assert.deepEqual(readNonNullType(init.r, "GET type"), COUNTER_TYPE);
  } finally {
    raw.close();
  }
});

Deno.test("ECHO returns its payload (also when segmented); a silent connection is closed after the idle timeout", async () => {
  using s = await startServer({ [PV]: counterPv() }, { config: { idleTimeout: 1 } });
  const silent = await RawPvaClient.connect(s.port);
  const chatty = await RawPvaClient.connect(s.port);
  try {
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i * 7);
    await chatty.send(Command.ECHO, (w) => w.bytes(payload));
    assert.deepEqual((await chatty.expect(Command.ECHO)).bytes, payload);
    await chatty.send(Command.ECHO, () => {});
    assert.equal((await chatty.expect(Command.ECHO)).bytes.length, 0);
    await chatty.write(echoSegment(Flag.SEGMENT_FIRST, payload.subarray(0, 100)));
    await chatty.write(echoSegment(Flag.SEGMENT_MIDDLE, payload.subarray(100, 200)));
    await chatty.write(echoSegment(Flag.SEGMENT_LAST, payload.subarray(200)));
    assert.deepEqual((await chatty.expect(Command.ECHO)).bytes, payload, "segments are joined");

    const start = performance.now();
    const silentClosed = silent.closesWithin(3500).then((closed) => ({
      closed,
      ms: performance.now() - start,
    }));
    while (performance.now() - start < 2500) {
      assert.deepEqual(await chatty.ping(), []);
      await sleep(250);
    }
    const { closed, ms } = await silentClosed;
    assert.ok(closed, "the silent connection is still open");
    assert.ok(ms >= 900, `closed after ${ms} ms, before the idle timeout`);
    assert.equal(chatty.isClosed, false, "a connection that talks was closed");
  } finally {
    silent.close();
    chatty.close();
  }
});
