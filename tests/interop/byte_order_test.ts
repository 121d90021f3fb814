/**
 * A big-endian server (PvaServer `byteOrder: "big"`): it announces the order first on every
 * connection, and p4p, pvapy and our own client then read, write and monitor it exactly: scalars
 * of several widths, a string, a float64 array and a 1024x1024 uint16 image whose pixels hold
 * their index, so a swapped byte pair shows. Clients follow the announced order for what they
 * send: every put reaches the server big-endian and lands intact.
 */
import assert from "node:assert/strict";
import { PvaClient } from "../../protocol/pva/client/mod.ts";
import { type Message, MessageStream, type MessageStreamOptions } from "../../protocol/pva/message_stream.ts";
import { Command, ControlCommand, HEADER_SIZE } from "../../protocol/pva/header.ts";
import { findField, type Value } from "../../protocol/pvdata/types.ts";
import { clientConfig } from "../pva/client/p4p_peer.ts";
import { nextData } from "../pva/server/harness.ts";
import { catalogue, host, type Hosted, loopbackConfig, PREFIX } from "./hosted.ts";
import { peerValue, type PeerView } from "./peer_values.ts";
import { epicsEnv, requirePeers } from "./peers.ts";
import { Plan } from "./plan.ts";
import { checkGet, checkMonitor, checkPut } from "./server_checks.ts";

/** What the big-endian server hosts (catalogue names). */
const HOSTED = [
  "scalar:int16",
  "scalar:uint32",
  "scalar:int64",
  "scalar:string",
  "array:float64",
  "image:u16",
  "counter",
];

/** Values each client puts and then monitors, by PV: bytes that differ, so that a swap would show. */
const WRITES: Record<string, Value[]> = {
  "scalar:int16": [-12345, 0x1234],
  "scalar:uint32": [0x89abcdef, 4_000_000_001],
  "scalar:int64": [-(2n ** 62n) - 0x0102030405n, 0x0a0b0c0d0e0f1011n],
  "scalar:string": ["gro\u00df-endian", "abc"],
  "array:float64": [new Float64Array([1.5, -2.25, 1e300]), new Float64Array([Number.MIN_VALUE, -1e-300])],
};

/** A server in big-endian byte order hosting {@link HOSTED}. */
function bigEndianServer(int8?: number): Promise<Hosted> {
  const all = catalogue(int8);
  return host(Object.fromEntries(HOSTED.map((n) => [n, all[n]])), loopbackConfig(), { byteOrder: "big" });
}

/**
 * Every message our servers receive while in place, for checking the byte order clients send
 * in: server-side connections have their message callback wrapped as they start running.
 */
function spyReceived(): Disposable & { received: Message[] } {
  const proto = MessageStream.prototype as unknown as { run(): Promise<void> };
  const original = proto.run;
  const received: Message[] = [];
  proto.run = function (this: MessageStream) {
    const opts = (this as unknown as { opts: MessageStreamOptions }).opts;
    if (opts.role === "server") {
      const deliver = opts.onMessage;
      opts.onMessage = (m) => {
        received.push(m);
        deliver(m);
      };
    }
    return original.call(this);
  };
  return { received, [Symbol.dispose]: () => proto.run = original };
}

/** Asserts that clients sent puts, all in big-endian order. */
function assertPutsBigEndian(received: Message[]): void {
  const puts = received.filter((m) => m.command === Command.PUT);
  assert.ok(puts.length > 0, "no PUT received");
  assert.deepEqual(puts.map((m) => m.littleEndian), puts.map(() => false), "a PUT arrived little-endian");
}

/** The image's pixels must hold their own index (mod 2^16). */
function assertRamp(data: Uint16Array): void {
  assert.equal(data.length, 1024 * 1024);
  const wrong = data.findIndex((v, i) => v !== (i & 0xffff));
  assert.equal(wrong, -1, `pixel ${wrong} holds 0x${data[wrong]?.toString(16)}`);
}

/** The peer puts each of {@link WRITES} and our PV holds it; then it monitors them as we post them again. */
async function checkWritesAndMonitors(plan: Plan, hosted: Hosted, view: PeerView): Promise<void> {
  for (const [name, values] of Object.entries(WRITES)) {
    const pv = hosted.pvs.get(name)!;
    const field = findField(pv.type, "value")!;
    for (const v of values) await checkPut(plan, hosted, name, { value: peerValue(field, v, view) }, v);
    const done = await plan.run({
      op: "monitor",
      pv: PREFIX + name,
      request: `record[queueSize=${values.length + 1}]`,
      count: values.length,
      field: "value",
      timeout: 10,
    }, (e) => {
      if (e.event === "subscribed") { for (const v of values) pv.post({ value: v }); }
    });
    assert.deepEqual(done.values, values.map((v) => peerValue(field, v, view)), `${name}: monitor`);
  }
}

Deno.test("a big-endian server announces its order first and sends big-endian messages", async () => {
  using hosted = await bigEndianServer();
  const socket = await Deno.connect({ hostname: "127.0.0.1", port: hosted.server.tcpPort });
  try {
    const head = new Uint8Array(2 * HEADER_SIZE);
    for (let n = 0; n < head.length;) {
      const got = await socket.read(head.subarray(n));
      assert.ok(got !== null, "closed early");
      n += got;
    }
    // Flags 0xC1: big-endian, from the server, control.
    assert.deepEqual([head[0], head[2], head[3]], [0xca, 0xc1, ControlCommand.SET_BYTE_ORDER]);
    // Then CONNECTION_VALIDATION (flags 0xC0: big-endian, from the server), its payload size big-endian.
    assert.deepEqual([head[8], head[10], head[11]], [0xca, 0xc0, Command.CONNECTION_VALIDATION]);
    assert.ok(new DataView(head.buffer).getUint32(12, false) < 1024, "payload size not big-endian");
  } finally {
    socket.close();
  }
});

Deno.test("our client gets, puts and monitors a big-endian server in its order", async () => {
  using hosted = await bigEndianServer();
  using spy = spyReceived();
  const { tcpPort, udpPort } = hosted.server;
  const client = new PvaClient({ config: clientConfig({ tcp: tcpPort, udp: udpPort }) });
  try {
    for (const name of HOSTED) {
      // The image's pixels are checked apart: a failed deepEqual would print all million of them.
      const { value, ...rest } = (await client.get(PREFIX + name)).value;
      const { value: want, ...wantRest } = hosted.pvs.get(name)!.value;
      assert.deepEqual(rest, wantRest, name);
      if (name === "image:u16") assertRamp((value as { value: Uint16Array }).value);
      else assert.deepEqual(value, want, name);
    }

    for (const [name, values] of Object.entries(WRITES)) {
      for (const v of values) {
        await client.put(PREFIX + name, v);
        assert.deepEqual(hosted.pvs.get(name)!.value.value, v, `${name}: put`);
      }
      const sub = client.monitor(PREFIX + name, { queueSize: values.length + 1 });
      try {
        await nextData(sub);
        for (const v of values) hosted.pvs.get(name)!.post({ value: v });
        for (const v of values) assert.deepEqual((await nextData(sub)).value.value, v, `${name}: monitor`);
      } finally {
        sub.close();
      }
    }
    assertPutsBigEndian(spy.received);
  } finally {
    client.close();
  }
});

Deno.test({
  name: "p4p gets, puts and monitors a big-endian server; its puts arrive big-endian",
  ignore: !requirePeers("p4p against a big-endian server"),
  fn: async () => {
    using hosted = await bigEndianServer();
    using spy = spyReceived();
    const { tcpPort, udpPort } = hosted.server;
    await using plan = await Plan.start("p4p_plan.py", epicsEnv({ tcp: tcpPort, udp: udpPort }));
    const view = { inferAnyScalars: true };
    // The image's pixels arrive as the digest of their bytes: equal to our ramp's when none swapped.
    for (const name of HOSTED) await checkGet(plan, hosted, name, view);
    await checkWritesAndMonitors(plan, hosted, view);
    await checkMonitor(plan, hosted, {
      request: "record[pipeline=true,queueSize=16]",
      count: 200,
      window: 16,
      report: 8,
    });
    assertPutsBigEndian(spy.received);
  },
});

Deno.test({
  name: "pvapy gets, puts and monitors a big-endian server; its puts arrive big-endian",
  ignore: !requirePeers("pvapy against a big-endian server"),
  fn: async () => {
    using hosted = await bigEndianServer(99);
    using spy = spyReceived();
    const { tcpPort, udpPort } = hosted.server;
    await using plan = await Plan.start("pvapy_plan.py", epicsEnv({ tcp: tcpPort, udp: udpPort }));
    const view = { withoutIds: true };
    for (const name of HOSTED) await checkGet(plan, hosted, name, view);
    await checkWritesAndMonitors(plan, hosted, view);
    await checkMonitor(plan, hosted, { request: "record[queueSize=16]", count: 200, window: 16, report: 8 });
    assertPutsBigEndian(spy.received);
  },
});
