import assert from "node:assert/strict";
import {
  frameFromNTNDArray,
  frameToNTNDArray,
  ntAttribute,
  ntNDArray,
  readNTNDArray,
  scalar,
  scalarArray,
} from "../../../mod.ts";
import { fixture, testFrame, withHost } from "./helpers.ts";

const stamp = { secondsPastEpoch: 1_700_000_000n, nanoseconds: 123, userTag: 4 };
const acquired = { secondsPastEpoch: 1_699_999_999n, nanoseconds: 999, userTag: 0 };

Deno.test("frameFromNTNDArray: the decoded array itself, shape x first, stamps, id, attributes", () => {
  const data = new Int16Array(3 * 4 * 2);
  const nt = ntNDArray({
    data,
    dims: [3, 4, 2],
    uniqueId: 77,
    timeStamp: stamp,
    dataTimeStamp: acquired,
    attributes: [
      ntAttribute("ColorMode", { type: scalar("int32"), value: 2 }),
      ntAttribute("gain", { type: scalar("uint16"), value: 3 }),
    ],
  });
  for (const input of [nt, nt.value]) {
    const f = frameFromNTNDArray(input);
    assert.equal(f.data, data);
    assert.equal(f.dtype, "int16");
    assert.deepEqual(f.shape, [3, 4, 2]);
    assert.equal(f.colorMode, 2);
    assert.deepEqual(f.attributes, { ColorMode: 2, gain: 3 });
    assert.deepEqual(f.attributeTypes?.gain, scalar("uint16"));
    assert.equal(f.uniqueId, 77);
    assert.deepEqual(f.timeStamp, stamp);
    assert.deepEqual(f.dataTimeStamp, acquired);
    assert.equal(f.uncompressedSize, data.byteLength);
  }
});

Deno.test("frameToNTNDArray: same array, source stamps and id, attribute types kept or inferred", () => {
  const f = frameFromNTNDArray(ntNDArray({
    data: new Float64Array(8),
    dims: [4, 2],
    uniqueId: 5,
    timeStamp: stamp,
    dataTimeStamp: acquired,
    attributes: [ntAttribute("gain", { type: scalar("uint16"), value: 3 })],
  }));
  f.attributes.note = "added";
  f.attributes.scale = 0.5;
  f.attributes.limits = new Int32Array([1, 2]);
  const nt = frameToNTNDArray(f);
  const back = readNTNDArray(nt);
  assert.equal(back.data, f.data);
  assert.equal(back.uniqueId, 5);
  assert.deepEqual(back.timeStamp, stamp);
  assert.deepEqual(back.dataTimeStamp, acquired);
  const types = frameFromNTNDArray(nt).attributeTypes!;
  assert.deepEqual(types, {
    gain: scalar("uint16"),
    note: scalar("string"),
    scale: scalar("float64"),
    limits: scalarArray("int32"),
  });
});

Deno.test("frameToNTNDArray: a shape that does not match the data is an error", () => {
  const f = testFrame();
  f.shape = [5, 5];
  assert.throws(() => frameToNTNDArray(f), /dims describe 25 elements, data has 16/);
});

Deno.test("zero copy: the host's buffer is detached after process and the worker saw the same bytes", async () => {
  await withHost(
    { file: new URL("../../../processors/passthrough.ts", import.meta.url).pathname },
    async (host) => {
      const data = new Uint16Array(1 << 20).map((_, i) => i * 7);
      const expected = data.slice();
      const frame = testFrame({}, data);
      const buffer = data.buffer;
      const [out] = await host.process(frame);
      assert.equal(buffer.byteLength, 0, "the sender's buffer is detached");
      assert.equal(data.length, 0);
      const back = (out as { data: Uint16Array }).data;
      assert.ok(back instanceof Uint16Array);
      assert.deepEqual(back, expected);
    },
  );
});

Deno.test("zero copy: a frame viewing part of a larger message moves with its offset", async () => {
  await withHost({ file: fixture("lifecycle.ts"), className: "Lifecycle" }, async (host) => {
    const message = new Uint8Array(1024).map((_, i) => i);
    const data = new Uint32Array(message.buffer, 64, 16);
    const expected = data.slice();
    const [out] = await host.process(testFrame({ outputs: "1" }, data, 3));
    assert.equal(message.buffer.byteLength, 0);
    const back = (out as { data: Uint32Array }).data;
    assert.equal(back.byteOffset, 64);
    assert.equal(back.buffer.byteLength, 1024);
    assert.deepEqual(back, expected);
  });
});
