/**
 * The read side of MessageStream: whole and segmented payloads, however the bytes are split
 * across socket reads, arrive intact and where payloadShift placed them; a segmented payload is
 * assembled in one buffer, and large payloads are read into buffers recycled through a
 * PayloadPool.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Command, Flag, headerBytes, PVA_VERSION } from "../../protocol/pva/header.ts";
import { type Message, MessageStream } from "../../protocol/pva/message_stream.ts";
import { PayloadPool } from "../../protocol/pva/payload_pool.ts";
import { within } from "../support/within.ts";

/** One server message of `payload`, in segments of the given sizes (one size: unsegmented). */
function serverMessage(payload: Uint8Array, segmentSizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  segmentSizes.forEach((n, i) => {
    const last = i === segmentSizes.length - 1;
    const seg = segmentSizes.length === 1
      ? 0
      : i === 0
      ? Flag.SEGMENT_FIRST
      : last
      ? Flag.SEGMENT_LAST
      : Flag.SEGMENT_MIDDLE;
    out.push(
      headerBytes({
        version: PVA_VERSION,
        flags: Flag.FROM_SERVER | seg,
        command: Command.ECHO,
        payloadSize: n,
      }),
    );
    out.push(payload.subarray(off, off + n));
    off += n;
  });
  return out;
}

/** A validated client-side stream on a loopback socket, and the server's end of it. */
async function streamPair(opts: { shift?: number; pool?: PayloadPool } = {}) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const socket = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const peer = await accepted;
  listener.close();
  const messages: Message[] = [];
  let arrived = () => {};
  const stream = new MessageStream(socket, {
    role: "client",
    onMessage: (m) => {
      messages.push(m);
      arrived();
    },
    payloadShift: () => opts.shift ?? 0,
    payloadPool: opts.pool,
  });
  stream.markValidated();
  const running = stream.run();
  /** Resolves once `n` messages have arrived in all. */
  const received = (n: number) =>
    within(
      new Promise<void>((resolve) => {
        arrived = () => messages.length >= n && resolve();
        arrived();
      }),
      10_000,
      `${n} messages`,
    );
  return {
    messages,
    received,
    peer,
    async [Symbol.asyncDispose]() {
      peer.close();
      await running;
    },
  };
}

/** Writes `chunks` joined, then cut at `cuts` (so reads see arbitrary splits). */
async function writeSplit(conn: Deno.Conn, chunks: Uint8Array[], cuts: number[]): Promise<void> {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((o, c) => (all.set(c, o), o + c.length), 0);
  const points = [...new Set(cuts.map((c) => Math.floor(c * all.length)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, all.length]) {
    if (to <= from) continue;
    const part = all.subarray(from, to);
    for (let o = 0; o < part.length;) o += await conn.write(part.subarray(o));
    from = to;
  }
}

Deno.test("payloads arrive intact and placed, whole or in segments, however the bytes are split", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
      fc.integer({ min: 0, max: 7 }),
      async (segmentSizes, cuts, shift) => {
        await using s = await streamPair({ shift });
        const size = segmentSizes.reduce((a, b) => a + b, 0);
        const payload = new Uint8Array(size).map((_, i) => (i * 31 + 7) % 251);
        await writeSplit(s.peer, serverMessage(payload, segmentSizes), cuts);
        await s.received(1);
        const got = s.messages[0].payload;
        assert.equal(got.length, size);
        assert.ok(got.every((b, i) => b === payload[i]), "payload bytes differ");
        // Placed: every segmented payload, and a whole one too large for the 64 KiB read buffer.
        if (size > 64 * 1024 || segmentSizes.length > 1) assert.equal(got.byteOffset % 8, shift);
      },
    ),
    { numRuns: 25 },
  );
});

Deno.test("a payload of 64 segments arrives whole, in a buffer at most four times its size", async () => {
  await using s = await streamPair();
  const payload = new Uint8Array(1 << 20).map((_, i) => i % 249);
  const sizes = Array.from({ length: 64 }, () => 16 * 1024);
  await writeSplit(s.peer, serverMessage(payload, sizes), []);
  await s.received(1);
  const got = s.messages[0].payload;
  assert.deepEqual(got, payload);
  // Read into a buffer that grew fourfold from the first segment: a few times the payload at most.
  assert.ok(got.buffer.byteLength <= 4 * payload.length, `buffer of ${got.buffer.byteLength} bytes`);
});

Deno.test("large payloads are read into recycled buffers", async () => {
  const pool = new PayloadPool();
  await using s = await streamPair({ pool });
  const frame = (k: number) => new Uint8Array(4 << 20).fill(k);
  await writeSplit(s.peer, serverMessage(frame(1), [4 << 20]), []);
  await s.received(1);
  const first = s.messages[0].payload;
  const firstBuffer = first.buffer as ArrayBuffer;
  const capacity = firstBuffer.byteLength;
  pool.recycle(firstBuffer);
  assert.equal(first.length, 0, "a recycled buffer's views must be detached");
  assert.equal(pool.size, 1);

  await writeSplit(s.peer, serverMessage(frame(2), [4 << 20]), [0.3]);
  await s.received(2);
  const second = s.messages[1].payload;
  assert.equal(pool.size, 0, "the recycled buffer was not taken");
  assert.equal(second.buffer.byteLength, capacity);
  assert.ok(second.every((b) => b === 2));

  // A buffer far larger than the payload stays in the pool.
  pool.recycle(second.buffer as ArrayBuffer);
  await writeSplit(s.peer, serverMessage(new Uint8Array(20_000).fill(3), [20_000]), []);
  await s.received(3);
  assert.equal(pool.size, 1);
  assert.equal(s.messages[2].payload.length, 20_000);
});

Deno.test("the pool keeps a few buffers and frees the oldest beyond them", () => {
  const pool = new PayloadPool({ maxBuffers: 2 });
  const buffers = [1, 2, 3].map((k) => new ArrayBuffer(k << 16));
  const kept = buffers.map(() => undefined as ArrayBuffer | undefined);
  for (const b of buffers) pool.recycle(b);
  assert.ok(buffers.every((b) => b.detached));
  assert.equal(pool.size, 2);
  kept[0] = pool.take(1, 1 << 20);
  kept[1] = pool.take(1, 1 << 20);
  assert.deepEqual(kept.map((b) => b?.byteLength), [3 << 16, 2 << 16, undefined]);
  pool.recycle(new ArrayBuffer(100)); // too small to keep
  assert.equal(pool.size, 0);
});
