/**
 * The write side of MessageStream: small chunks are merged into few writes, and a large chunk
 * (a frame shared by every subscriber of a post) goes to the socket as it is, never copied.
 */
import assert from "node:assert/strict";
import { MessageStream } from "../../protocol/pva/message_stream.ts";
import { SHARE_THRESHOLD } from "../../protocol/pvdata/writer.ts";
import { within } from "../support/within.ts";

/** A real socket that records what is handed to each write. */
class ObservedSocket {
  readonly writes: Uint8Array[] = [];
  constructor(private readonly inner: Deno.TcpConn) {}
  read(p: Uint8Array): Promise<number | null> {
    return this.inner.read(p);
  }
  write(p: Uint8Array): Promise<number> {
    this.writes.push(p);
    return this.inner.write(p);
  }
  close(): void {
    this.inner.close();
  }
}

/** Reads exactly `n` bytes from `conn`. */
async function readBytes(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  for (let off = 0; off < n;) {
    const got = await conn.read(out.subarray(off));
    if (got === null) throw new Error(`closed after ${off} of ${n} bytes`);
    off += got;
  }
  return out;
}

Deno.test("a large shared chunk is written as it is; the small ones around it are merged", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const socket = new ObservedSocket(await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }));
  const peer = await accepted;
  const conn = new MessageStream(socket as unknown as Deno.Conn, { role: "server", onMessage() {} });
  try {
    const frame = new Uint8Array(256 * 1024).map((_, i) => i % 253);
    const head = (k: number) => new Uint8Array(40).fill(k);
    const tail = (k: number) => new Uint8Array(3).fill(100 + k);
    const chunks = [0, 1, 2, 3].flatMap((k) => [head(k), frame, tail(k)]);
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const sent = Promise.all([0, 1, 2, 3].map((k) => conn.send(chunks.slice(3 * k, 3 * k + 3))));
    const received = await within(readBytes(peer, total), 5000, "the written bytes");
    await sent;

    let off = 0;
    for (const c of chunks) {
      assert.deepEqual(received.subarray(off, off + c.length), c, `bytes at ${off}`);
      off += c.length;
    }
    const frameWrites = socket.writes.filter((w) => w.buffer === frame.buffer);
    assert.equal(frameWrites.length, 4, "the frame was copied instead of written as it is");
    assert.ok(socket.writes.every((w) => w.buffer === frame.buffer || w.length < SHARE_THRESHOLD));
    assert.ok(socket.writes.length <= 9, `${socket.writes.length} writes: small chunks were not merged`);
  } finally {
    conn.close();
    peer.close();
    listener.close();
  }
});
