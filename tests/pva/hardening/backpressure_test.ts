/**
 * Replies for a peer that never reads: the server stops reading that peer's requests once
 * maxQueuedBytes of replies wait (and resumes when they drain), monitor queues are capped at
 * maxMonitorQueue, and an update keeps a bounded number of encodings.
 */
import assert from "node:assert/strict";
import { Command, Subcmd } from "../../../protocol/pva/header.ts";
import { MAX_CACHED_BODIES, Update } from "../../../protocol/pva/server/update.ts";
import { BitSet } from "../../../protocol/pvdata/bitset.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { writeOpRequestHead } from "../../../protocol/pva/messages/mod.ts";
import { COUNTER_TYPE, counterPv, framePv, sleep, startServer } from "../server/harness.ts";
import { assertServed, capturingLogger, messageBytes } from "./attacker.ts";

const PV = "t:counter";

Deno.test("a peer that sends ECHOs and never reads is no longer read from; it is served again once it reads", async () => {
  using s = await startServer({ [PV]: counterPv(1) }, {
    config: { limits: { maxQueuedBytes: 1 << 20 } },
    server: { logger: capturingLogger().logger },
  });
  const raw = await RawPvaClient.connect(s.port);
  try {
    raw.pauseReading();
    const payload = new Uint8Array(256 * 1024);
    const count = 200;
    for (let i = 0; i < count; i++) raw.send(Command.ECHO, (w) => w.bytes(payload, true));
    await sleep(1000);
    await assertServed(s.server, PV, 1);
    // Kernel buffers on both sides hold some megabytes; the rest must still wait on our side.
    assert.ok(
      raw.stream.pendingBytes > 20 * 1024 * 1024,
      `the server read ${
        count * payload.length - raw.stream.pendingBytes
      } bytes of requests it could not answer`,
    );
    raw.resumeReading();
    for (let i = 0; i < count; i++) {
      assert.equal((await raw.expect(Command.ECHO)).bytes.length, payload.length);
    }
    assert.equal(raw.isClosed, false);
  } finally {
    raw.close();
  }
});

Deno.test("100,000 GETs of a 1 MiB PV from a peer that never reads stop being read after maxQueuedBytes", async () => {
  const frame = framePv();
  frame.post({ value: new Uint8Array(1 << 20) });
  using s = await startServer({ "t:frame": frame, [PV]: counterPv(2) }, {
    server: { logger: capturingLogger().logger },
  });
  const raw = await RawPvaClient.connect(s.port);
  try {
    const { sid } = await raw.createChannel("t:frame");
    await raw.init(Command.GET, sid, 1);
    raw.pauseReading();
    const get = messageBytes(Command.GET, (w) => writeOpRequestHead(w, { sid, ioid: 1, subcmd: Subcmd.GET }));
    const count = 100_000;
    const flood = new Uint8Array(get.length * count);
    for (let i = 0; i < count; i++) flood.set(get, i * get.length);
    const before = Deno.memoryUsage();
    await raw.write(flood);
    await sleep(2000);
    await assertServed(s.server, PV, 2);
    const after = Deno.memoryUsage();
    // Unbounded, the replies waiting here took about 50 MB of heap and external memory.
    const grown = after.heapUsed + after.external - before.heapUsed - before.external;
    assert.ok(grown < 16 << 20, `memory grew by ${grown >> 20} MiB while the peer did not read`);
  } finally {
    raw.close();
  }
});

Deno.test("record[queueSize=1000000] is capped at maxMonitorQueue", async () => {
  const counter = counterPv(0);
  using s = await startServer({ [PV]: counter }, { config: { limits: { maxMonitorQueue: 8 } } });
  const raw = await RawPvaClient.connect(s.port);
  try {
    const { sid } = await raw.createChannel(PV);
    await raw.init(Command.MONITOR, sid, 1, {
      request: "record[queueSize=1000000,pipeline=true]",
      subcmd: Subcmd.INIT | Subcmd.PIPELINE_ACK,
      after: (w) => w.u32(1),
    });
    await raw.request(Command.MONITOR, sid, 1, Subcmd.START);
    await raw.reply(Command.MONITOR);
    for (let i = 1; i <= 100; i++) counter.post({ value: i });
    assert.ok(counter.stats.overruns >= 100 - 8, `only ${counter.stats.overruns} overruns: the queue grew`);
    await assertServed(s.server, PV, 100);
  } finally {
    raw.close();
  }
});

Deno.test("an update keeps at most MAX_CACHED_BODIES encodings, dropping the oldest", () => {
  const update = new Update(COUNTER_TYPE, { value: 1, note: "" }, BitSet.of(0));
  const selection = (i: number) => ({ mask: null, key: `k${i}` });
  const first = update.body(selection(0), true);
  assert.equal(update.body(selection(0), true), first, "a cached encoding is shared");
  for (let i = 1; i <= MAX_CACHED_BODIES; i++) update.body(selection(i), true);
  const last = update.body(selection(MAX_CACHED_BODIES), true);
  assert.equal(update.body(selection(MAX_CACHED_BODIES), true), last, "the newest is still cached");
  assert.notEqual(update.body(selection(0), true), first, "the oldest was kept beyond the bound");
});
