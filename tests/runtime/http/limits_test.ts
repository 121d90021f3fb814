import assert from "node:assert/strict";
import { serveApi } from "./fixture.ts";

const LIMIT = 1024;

Deno.test("bodies over the limit get 413 JSON, declared or streamed", async () => {
  await using api = await serveApi({ maxBodyBytes: LIMIT });
  const big = JSON.stringify({ note: "x".repeat(LIMIT) });
  const declared = await fetch(api.url("/api/configure"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: big,
  });
  assert.equal(declared.status, 413);
  assert.deepEqual(await declared.json(), { error: `request body larger than ${LIMIT} bytes` });

  // A stream has no Content-Length: the limit applies as the bytes arrive.
  const chunks = [new TextEncoder().encode(big.slice(0, 600)), new TextEncoder().encode(big.slice(600))];
  const streamed = await fetch(api.url("/api/configure"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: ReadableStream.from(chunks),
  });
  assert.equal(streamed.status, 413);
  assert.match((await streamed.json()).error, /larger than 1024 bytes/);
  assert.deepEqual(api.target.calls, []);
});

Deno.test("a body that trickles in is cut off by the timeout with 408 JSON", async () => {
  await using api = await serveApi({ bodyTimeoutMs: 200 });
  const conn = await Deno.connect({ hostname: api.http.url.hostname, port: Number(api.http.url.port) });
  try {
    const head = "POST /api/configure HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
      "Content-Length: 100\r\n\r\n{";
    await conn.write(new TextEncoder().encode(head));
    const started = performance.now();
    const buf = new Uint8Array(4096);
    let text = "";
    const deadline = setTimeout(() => conn.close(), 5000);
    try {
      while (!text.includes("}")) {
        const n = await conn.read(buf);
        if (n === null) break;
        text += new TextDecoder().decode(buf.subarray(0, n));
      }
    } finally {
      clearTimeout(deadline);
    }
    const elapsed = performance.now() - started;
    assert.match(text, /^HTTP\/1\.1 408/);
    assert.match(text, /"error":"request body not received within 200 ms"/);
    assert.ok(elapsed >= 150 && elapsed < 3000, `answered after ${elapsed} ms`);
  } finally {
    try {
      conn.close();
    } catch {
      // closed by the deadline
    }
  }
  assert.deepEqual(api.target.calls, []);
});
