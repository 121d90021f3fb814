/**
 * The subscription API against our own server: the connected event, taking a frame's buffer
 * for a worker, statistics, and pause/resume.
 */
import assert from "node:assert/strict";
import { bitOf } from "../../../protocol/pvdata/partial.ts";
import { sameType } from "../../../protocol/pvdata/types.ts";
import { expectConnected, expectData, nextData } from "../../support/monitor_events.ts";
import { clientOf, counterPv, FRAME_TYPE, framePv, sleep, startServer } from "../server/harness.ts";

/** A frame whose bytes are a known function of its id. */
function frameBytes(id: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + id) & 0xff;
  return b;
}

function byteSum(b: Uint8Array): number {
  let s = 0;
  for (const x of b) s += x;
  return s;
}

/** ArrayBuffer.prototype.detached (ES2024), which the TypeScript lib here does not declare. */
function isDetached(b: ArrayBufferLike): boolean {
  return (b as ArrayBuffer & { detached: boolean }).detached;
}

Deno.test("connected names the server as host:port and carries the type", async () => {
  using s = await startServer({ "api:counter": counterPv(3) });
  const client = clientOf(s.server);
  try {
    const sub = client.monitor("api:counter");
    const ev = await expectConnected(sub);
    assert.equal(ev.server, `127.0.0.1:${s.port}`);
    assert.ok(sameType(ev.type, s.server.getPV("api:counter")!.type));
    assert.equal((await expectData(sub)).value.value, 3);
    sub.close();
  } finally {
    client.close();
  }
});

Deno.test("take: a frame transferred to a Worker without a copy, then partial updates stay whole", async () => {
  const pv = framePv();
  using s = await startServer({ "api:frame": pv });
  const client = clientOf(s.server);
  const worker = new Worker(new URL("./frame_worker.ts", import.meta.url).href, { type: "module" });
  const replies: { uniqueId: number; length: number; sum: number }[] = [];
  let replied = () => {};
  worker.onmessage = (e) => {
    replies.push(e.data);
    replied();
  };
  const reply = () => new Promise<void>((r) => replied = r);
  const VALUE = bitOf(FRAME_TYPE, "value");
  const N = 1 << 20;
  try {
    const sub = client.monitor("api:frame");
    await expectConnected(sub);
    await expectData(sub);

    pv.post({ uniqueId: 1, value: frameBytes(1, N) });
    const frame = await expectData(sub);
    const bytes = frame.value.value as Uint8Array;
    assert.equal(bytes.length, N);
    const transfer = sub.take(frame);
    assert.ok(transfer.includes(bytes.buffer as ArrayBuffer));
    const answered = reply();
    worker.postMessage(frame.value, transfer);
    // Transferred, not copied: our side of the buffer is gone.
    assert.ok(isDetached(transfer[0]));
    assert.equal(bytes.byteLength, 0);
    await answered;
    assert.deepEqual(replies.at(-1), { uniqueId: 1, length: N, sum: byteSum(frameBytes(1, N)) });

    // A metadata-only update: the merge state no longer refers to the transferred buffer.
    pv.post({ uniqueId: 2 });
    const meta = await expectData(sub);
    assert.equal(meta.value.uniqueId, 2);
    assert.ok(!meta.changed.has(VALUE));
    const kept = meta.value.value as Uint8Array;
    assert.ok(kept instanceof Uint8Array);
    assert.ok(!isDetached(kept.buffer), "the next update must not hold the transferred buffer");
    assert.equal(kept.length, 0);
    assert.deepEqual([...meta.taken], [VALUE]);

    // Queued behind a taken frame: a frame and a metadata update wait while we take the frame.
    pv.post({ uniqueId: 3, value: frameBytes(3, N) });
    pv.post({ uniqueId: 4 });
    await sleep(200);
    const third = await expectData(sub);
    assert.ok(third.taken.isEmpty(), "a new frame clears the taken mark");
    const again = reply();
    worker.postMessage(third.value, sub.take(third));
    await again;
    assert.deepEqual(replies.at(-1), { uniqueId: 3, length: N, sum: byteSum(frameBytes(3, N)) });
    const fourth = await expectData(sub);
    assert.equal(fourth.value.uniqueId, 4);
    assert.ok(!isDetached((fourth.value.value as Uint8Array).buffer));
    assert.deepEqual([...fourth.taken], [VALUE]);

    // Without take, a consumer keeps sharing: the next partial update still holds the frame.
    pv.post({ uniqueId: 5, value: frameBytes(5, N) });
    const fifth = await expectData(sub);
    pv.post({ uniqueId: 6 });
    const sixth = await expectData(sub);
    assert.equal(sixth.value.value, fifth.value.value);
    assert.ok(sixth.taken.isEmpty());
    sub.close();
  } finally {
    worker.terminate();
    client.close();
  }
});

Deno.test("stats count updates, bytes, our queue's and the server's squashing, queue lengths", async () => {
  const pv = counterPv(0);
  using s = await startServer({ "api:stats": pv });
  const client = clientOf(s.server);
  try {
    // No pipelining and a queue of 2: a burst we do not read is folded by our own queue.
    const sub = client.monitor("api:stats", { pipeline: false, queueSize: 2 });
    await expectConnected(sub);
    await expectData(sub);
    assert.deepEqual(
      { ...sub.stats, bytes: 0 },
      { updates: 1, bytes: 0, serverSquashed: 0, queueSquashed: 0, queueLength: 0, maxQueueLength: 1 },
    );
    const firstBytes = sub.stats.bytes;
    assert.ok(firstBytes > 0);
    for (let i = 1; i <= 10; i++) pv.post({ value: i });
    await client.get("api:stats"); // same connection: every update before the reply has arrived
    const st = sub.stats;
    assert.equal(st.updates, 11);
    assert.equal(st.queueSquashed, 8, "10 updates into a queue of 2");
    assert.equal(st.queueLength, 2);
    assert.equal(st.maxQueueLength, 2);
    assert.ok(st.bytes > firstBytes * 5, `bytes ${st.bytes}`);
    const [a, b] = [await expectData(sub), await expectData(sub)];
    assert.deepEqual([a.value.value, b.value.value], [1, 10]);
    assert.ok(b.overrun.has(bitOf(a.type, "value")));
    assert.equal(sub.stats.queueLength, 0);
    sub.close();
  } finally {
    client.close();
  }
});

Deno.test("pause stops updates at the server (STOP), resume starts them (START); squashing counted", async () => {
  const pv = counterPv(0);
  using s = await startServer({ "api:pause": pv });
  const client = clientOf(s.server);
  try {
    const sub = client.monitor("api:pause", { queueSize: 4 });
    await expectConnected(sub);
    await expectData(sub);
    sub.pause();
    assert.equal(sub.isPaused, true);
    await client.get("api:pause"); // the STOP went first on the same connection
    for (let i = 1; i <= 10; i++) pv.post({ value: i });
    await client.get("api:pause");
    await sleep(100);
    assert.equal(sub.stats.updates, 1, "nothing may arrive while paused");

    sub.resume();
    const got: number[] = [];
    let overruns = 0;
    while (got.at(-1) !== 10) {
      const ev = await nextData(sub);
      got.push(ev.value.value as number);
      if (!ev.overrun.isEmpty()) overruns++;
    }
    // The server kept 4 updates (its queue) and folded the rest into the last one.
    assert.deepEqual(got, [1, 2, 3, 10]);
    assert.equal(overruns, 1);
    assert.equal(sub.stats.serverSquashed, 1);
    assert.equal(sub.stats.queueSquashed, 0);
    pv.post({ value: 11 });
    assert.equal((await expectData(sub)).value.value, 11);
    sub.close();
  } finally {
    client.close();
  }
});
