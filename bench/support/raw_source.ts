/**
 * Benchmark baseline: a TCP server that streams length-prefixed messages of the given
 * size to every client, as fast as the socket takes them. Prints "READY <port>".
 * Usage: deno run -A bench/support/raw_source.ts <bytesPerMessage>
 */
const bytes = Number(Deno.args[0]);
const message = new Uint8Array(bytes + 8).fill(1);
new DataView(message.buffer).setUint32(4, bytes, true);
const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log(`READY ${listener.addr.port}`);
for await (const conn of listener) {
  (async () => {
    try {
      for (;;) {
        for (let off = 0; off < message.length;) off += await conn.write(message.subarray(off));
      }
    } catch {
      // The benchmark closed the connection.
    }
  })();
}
