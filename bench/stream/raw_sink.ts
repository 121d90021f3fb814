/**
 * Receiving side of the raw TCP ceiling (case E), in a process of its own: reads the
 * length-prefixed messages of bench/support/raw_source.ts, each into a fresh buffer as our
 * client reads a frame, and after a warm-up counts them for a while. Prints one JSON line:
 * `{"messages": n, "bytes": n, "seconds": s}`.
 * Usage: deno run --allow-net bench/stream/raw_sink.ts <port> <seconds> <warmupSeconds>
 *
 * @module
 */

/** Reads exactly `buf.length` bytes; false when the connection ended first. */
async function readFull(conn: Deno.Conn, buf: Uint8Array): Promise<boolean> {
  for (let off = 0; off < buf.length;) {
    const n = await conn.read(buf.subarray(off));
    if (n === null) return false;
    off += n;
  }
  return true;
}

if (import.meta.main) {
  const [port, seconds, warmup] = Deno.args.map(Number);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  const begin = performance.now() + warmup * 1000;
  const end = begin + seconds * 1000;
  let messages = 0;
  let bytes = 0;
  for (;;) {
    if (!await readFull(conn, head)) break;
    const size = view.getUint32(4, true);
    if (!await readFull(conn, new Uint8Array(size))) break;
    const now = performance.now();
    if (now >= end) break;
    if (now >= begin) {
      messages++;
      bytes += size;
    }
  }
  conn.close();
  console.log(JSON.stringify({ messages, bytes, seconds }));
}
