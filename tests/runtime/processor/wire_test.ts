import assert from "node:assert/strict";
import fc from "fast-check";
import { type Frame, frameFromNTNDArray, ntNDArray, type NumericArray } from "../../../mod.ts";
import type { HostRequest, SandboxReply } from "../../../runtime/processor/messages.ts";
import { encodeMessage, MessageReader, type ReadInto, WireError } from "../../../runtime/processor/wire.ts";

/** A source handing out `bytes` in pieces of the given sizes (cycled), as a pipe would. */
function source(bytes: Uint8Array, pieces: number[]): ReadInto {
  let o = 0;
  let k = 0;
  return (view) => {
    if (o >= bytes.length) return Promise.resolve(null);
    const n = Math.min(view.length, pieces[k++ % pieces.length], bytes.length - o);
    view.set(bytes.subarray(o, o + n));
    o += n;
    return Promise.resolve({ bytes: n, buffer: view.buffer as ArrayBuffer });
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const frame = (data: NumericArray, uniqueId: number): Frame =>
  frameFromNTNDArray(ntNDArray({ data, dims: [data.length], uniqueId }));

Deno.test("wire: requests and results with frames survive any split of the stream, pixels raw and aligned", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 0, max: 1 << 16 }),
      async (pieces, upfront) => {
        const odd = new Uint8Array(1001).map((_, i) => i);
        const wide = new Float64Array(new ArrayBuffer(8 * 40), 8, 30).map((_, i) => i / 3);
        const messages: (HostRequest | SandboxReply)[] = [
          { id: 1, op: "process", frame: frame(odd, 1) },
          {
            op: "result",
            id: 1,
            value: [frame(wide, 2), { type: { kind: "scalar", type: "int64" }, value: 5n }],
          },
          { op: "error", id: 2, error: { name: "NotCapable", message: "no" } },
        ];
        const bytes = concat(messages.flatMap(encodeMessage));
        const reader = new MessageReader(source(bytes, pieces), 1 << 20);
        const first = await reader.next(upfront) as HostRequest & { op: "process" };
        assert.deepEqual(first.frame.data, odd);
        assert.equal(first.frame.uniqueId, 1);
        const second = await reader.next(upfront) as SandboxReply & { op: "result" };
        const [f, pv] = second.value as [Frame, unknown];
        assert.ok(f.data instanceof Float64Array);
        assert.equal(f.data.byteOffset % 8, 0);
        assert.deepEqual(f.data, wide);
        assert.deepEqual(pv, { type: { kind: "scalar", type: "int64" }, value: 5n });
        assert.deepEqual(await reader.next(upfront), messages[2]);
        assert.equal(await reader.next(upfront), null);
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("wire: the sender's frame is left as it was", () => {
  const f = frame(new Int16Array(10), 3);
  const data = f.data;
  encodeMessage({ id: 1, op: "process", frame: f });
  assert.equal(f.data, data);
});

Deno.test("wire: oversized, cut-short and unreadable messages are WireErrors", async () => {
  const one = concat(encodeMessage({ id: 1, op: "process", frame: frame(new Uint8Array(4096), 1) }));
  await assert.rejects(
    new MessageReader(source(one, [100]), 1024).next(),
    (e) => e instanceof WireError && /exceeds 1024/.test(e.message),
  );
  // A header declaring a huge message followed by a few bytes: read into small chunks, then the end.
  const liar = new Uint8Array(16);
  new DataView(liar.buffer).setUint32(0, 0x7fff_fff8, true);
  await assert.rejects(new MessageReader(source(liar, [16]), 2 ** 32 - 1).next(), /ended inside a message/);
  const garbage = new Uint8Array(24);
  new DataView(garbage.buffer).setUint32(0, 16, true);
  garbage.fill(0xff, 8);
  await assert.rejects(new MessageReader(source(garbage, [24]), 1024).next(), /unreadable message/);
});

Deno.test("wire: a batch request carries each frame's pixels, in order, whatever their types", async () => {
  const a = new Uint8Array(13).map((_, i) => i);
  const b = new Float32Array([1.5, -2, 3]);
  const bytes = concat(encodeMessage({ id: 4, op: "processBatch", frames: [frame(a, 1), frame(b, 2)] }));
  const got = await new MessageReader(source(bytes, [7]), 1 << 20).next() as HostRequest & {
    op: "processBatch";
  };
  assert.deepEqual(got.frames.map((f) => [f.uniqueId, f.data]), [[1, a], [2, b]]);
});
