/**
 * Monitor flow on the server: a client that stops reading loses values (and is told) instead
 * of slowing the publisher or anyone else, one post is encoded once for all its subscribers,
 * and a pipelined monitor sends only what the client has acknowledged room for.
 */
import assert from "node:assert/strict";
import type { Message } from "../../../protocol/pva/message_stream.ts";
import { Command, Subcmd } from "../../../protocol/pva/header.ts";
import { type Selection, Update } from "../../../protocol/pva/server/update.ts";
import { bitOf } from "../../../protocol/pvdata/partial.ts";
import {
  clientOf,
  COUNTER_TYPE,
  counterPv,
  framePv,
  nextData,
  rawMonitor,
  readUpdate,
  sleep,
  startServer,
} from "./harness.ts";

Deno.test("a client that stops reading never blocks the publisher or other clients, and sees overruns", async () => {
  const pv = framePv();
  using s = await startServer({ "t:frame": pv });
  const stuck = await rawMonitor(s.port, "t:frame", "record[queueSize=2]");
  const client = clientOf(s.server);
  try {
    stuck.raw.pauseReading();
    const sub = client.monitor("t:frame", { queueSize: 8 });
    assert.equal((await nextData(sub)).value.uniqueId, 0);

    const count = 30;
    const frame = new Uint8Array(4 << 20).fill(7);
    const received: number[] = [];
    const consumer = (async () => {
      while (received.at(-1) !== count) {
        const ev = await nextData(sub, 10_000);
        received.push(ev.value.uniqueId as number);
        assert.equal((ev.value.value as Uint8Array).length, frame.length);
      }
    })();
    let slowestPost = 0;
    for (let id = 1; id <= count; id++) {
      const t0 = performance.now();
      pv.post({ uniqueId: id, value: frame });
      slowestPost = Math.max(slowestPost, performance.now() - t0);
      await sleep(40);
    }
    await consumer;
    assert.deepEqual(
      received,
      Array.from({ length: count }, (_, i) => i + 1),
      "the reading client lost updates",
    );
    assert.ok(slowestPost < 50, `a post took ${slowestPost.toFixed(1)} ms`);

    // The stuck client gets what was queued for it: fewer updates than posted, the folded ones marked.
    stuck.raw.resumeReading();
    const ids: number[] = [];
    let overruns = 0;
    let prev = stuck.first;
    while (ids.at(-1) !== count) {
      const update = readUpdate(await stuck.raw.reply(Command.MONITOR, 10_000), stuck.type, prev);
      prev = update.value;
      ids.push(prev.uniqueId as number);
      if (!update.overrun.isEmpty()) overruns++;
    }
    assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), `out of order: ${ids}`);
    assert.ok(ids.length < count, `the stuck client received all ${count} updates`);
    assert.ok(overruns > 0, "no update of the stuck client was marked as overrun");
    assert.ok(pv.stats.overruns > 0, "the PV counted no overrun");
    assert.equal(pv.stats.posted, count);
    sub.close();
  } finally {
    stuck.raw.close();
    client.close();
  }
});

Deno.test("a 16 MiB post is encoded once for four monitors", async () => {
  const pv = framePv();
  using s = await startServer({ "t:frame": pv });
  const clients = Array.from({ length: 4 }, () => clientOf(s.server));
  const subs = clients.map((c) => c.monitor("t:frame"));
  const original = Update.prototype.body;
  const bodies: { update: Update; chunks: Uint8Array[] }[] = [];
  try {
    for (const sub of subs) assert.equal((await nextData(sub)).value.uniqueId, 0);
    Update.prototype.body = function (
      this: Update,
      selection: Selection,
      littleEndian: boolean,
      full?: boolean,
    ) {
      const chunks = original.call(this, selection, littleEndian, full);
      bodies.push({ update: this, chunks });
      return chunks;
    };
    const frame = new Uint8Array(16 << 20);
    for (let i = 0; i < frame.length; i++) frame[i] = i % 251;
    pv.post({ uniqueId: 1, value: frame });
    const big = pv.latest();
    for (const sub of subs) {
      const ev = await nextData(sub, 10_000);
      const got = ev.value.value as Uint8Array;
      assert.equal(ev.value.uniqueId, 1);
      assert.equal(got.length, frame.length);
      assert.equal(got[got.length - 1], frame[frame.length - 1]);
      assert.equal(got[12345], frame[12345]);
    }
    const forBig = bodies.filter((b) => b.update === big);
    assert.equal(forBig.length, 4, "each monitor asks the update for its body");
    assert.equal(new Set(forBig.map((b) => b.chunks)).size, 1, "the body was encoded more than once");
  } finally {
    Update.prototype.body = original;
    for (const c of clients) c.close();
  }
});

Deno.test("pipelined monitor: at most the window is sent until acked; folded updates carry overrun bits", async () => {
  const pv = counterPv(0);
  using s = await startServer({ "t:counter": pv });
  const { raw, sid, type, first } = await rawMonitor(
    s.port,
    "t:counter",
    "record[queueSize=4,pipeline=true]",
    4,
  );
  try {
    assert.equal(first.value, 0);
    let prev = first;
    // Monitor updates that arrived before a ping's echo, as values with their overrun bits.
    const updates = (messages: Message[]) =>
      messages.map((m) => {
        assert.equal(m.command, Command.MONITOR);
        const u = readUpdate(raw.opReply(m), type, prev);
        prev = u.value;
        return { value: prev.value as number, overrun: [...u.overrun] };
      });
    const ack = (n: number) => raw.request(Command.MONITOR, sid, 1, Subcmd.PIPELINE_ACK, (w) => w.u32(n));

    for (let v = 1; v <= 10; v++) pv.post({ value: v });
    const clean: number[] = [];
    const valueBit = bitOf(COUNTER_TYPE, "value");
    assert.deepEqual(updates(await raw.ping()), [1, 2, 3].map((value) => ({ value, overrun: clean })));
    assert.deepEqual(updates(await raw.ping()), [], "sent beyond the window without an ack");

    await ack(2);
    assert.deepEqual(updates(await raw.ping()), [4, 5].map((value) => ({ value, overrun: clean })));
    await ack(10);
    assert.deepEqual(updates(await raw.ping()), [
      { value: 6, overrun: clean },
      { value: 10, overrun: [valueBit] },
    ]);
  } finally {
    raw.close();
  }
});
