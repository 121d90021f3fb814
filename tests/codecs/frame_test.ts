/** decodeFrame / encodeFrame on NTNDArray values: element types, sizes, limits, wire round trips. */
import assert from "node:assert/strict";
import {
  CodecError,
  compressArray,
  decodeFrame,
  decompressArray,
  encodeFrame,
  encodeLz4Block,
} from "../../protocol/codecs/mod.ts";
import { ntAttribute, NTError, ntNDArray, ntNDArrayTypePvxs, readNTNDArray } from "../../protocol/nt/mod.ts";
import {
  ARRAY_CONSTRUCTORS,
  type NumericType,
  scalar,
  SCALAR_WIDTH,
  type StructValue,
} from "../../protocol/pvdata/types.ts";
import { viaWire } from "../nt/helpers.ts";
import { bytesOf, detectorImage } from "./helpers.ts";

const TYPES = Object.keys(ARRAY_CONSTRUCTORS) as NumericType[];

function frameOf(t: NumericType, dims = [48, 20]) {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new ARRAY_CONSTRUCTORS[t](n);
  const bytes = bytesOf(data);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13) % 7 === 0 ? i : i >> 5;
  return ntNDArray({
    data,
    dims,
    uniqueId: 42,
    attributes: [ntAttribute("ColorMode", { type: scalar("int32"), value: 0 })],
  });
}

Deno.test("encodeFrame/decodeFrame: every element type, every codec, through the wire", () => {
  for (const t of TYPES) {
    for (const codec of ["lz4", "bslz4", "blosc"] as const) {
      const frame = frameOf(t);
      const sent = encodeFrame(frame, codec);
      const read = readNTNDArray(sent);
      assert.equal(read.codec.name, codec);
      assert.deepEqual(read.codec.parameters.type, scalar("int32"));
      assert.equal(read.elementType, t);
      assert.ok(read.data instanceof Uint8Array);
      assert.equal(read.compressedSize, read.data.byteLength);
      assert.equal(read.uncompressedSize, 48 * 20 * SCALAR_WIDTH[t]);
      for (const le of [true, false]) {
        const back = readNTNDArray(decodeFrame(viaWire(sent, le)));
        assert.ok(back.data instanceof ARRAY_CONSTRUCTORS[t], `${t} ${codec}`);
        assert.deepEqual(bytesOf(back.data), bytesOf(readNTNDArray(frame).data), `${t} ${codec}`);
        assert.equal(back.codec.name, "");
        assert.equal(back.compressedSize, back.uncompressedSize);
        assert.equal(back.uniqueId, 42);
        assert.equal(back.attributes.get("ColorMode"), 0);
      }
    }
  }
});

Deno.test("decodeFrame: keeps the frame's own type (pvxs order) and passes uncompressed frames through", () => {
  const frame = frameOf("uint16");
  const pvxs = { type: ntNDArrayTypePvxs, value: encodeFrame(frame, "lz4").value };
  assert.equal(decodeFrame(pvxs).type, ntNDArrayTypePvxs);
  assert.equal(decodeFrame(frame).value, frame.value);
  const bare = decodeFrame(encodeFrame(frame, "bslz4").value);
  assert.deepEqual(readNTNDArray(bare).data, readNTNDArray(frame).data);
});

Deno.test("decodeFrame: sizes are checked before decoding", () => {
  const sent = encodeFrame(frameOf("uint16"), "bslz4");
  const wrong = (changes: StructValue) => ({ type: sent.type, value: { ...sent.value, ...changes } });
  assert.throws(() => decodeFrame(wrong({ compressedSize: 5n })), /bslz4: compressedSize says 5 bytes/);
  assert.throws(() => decodeFrame(wrong({ uncompressedSize: 1921n })), /whole number of uint16/);
  assert.throws(() => decodeFrame(wrong({ uncompressedSize: 2n ** 40n })), /exceeds the limit/);
  assert.throws(() => decodeFrame(sent, { maxBytes: 1000 }), /1920 exceeds the limit of 1000/);
  assert.throws(() => decodeFrame(wrong({ uncompressedSize: 1922n })), /is not 960 uint16 elements/);
  assert.throws(
    () => decodeFrame(wrong({ codec: { name: "jpeg", parameters: { type: scalar("int32"), value: 5 } } })),
    (e) => e instanceof CodecError && e.codec === "jpeg" && /not supported/.test(e.reason),
  );
  assert.throws(
    () => decodeFrame(wrong({ codec: { name: "lz4", parameters: { type: null, value: null } } })),
    NTError,
  );
  assert.throws(() => encodeFrame(sent, "lz4"), /already compressed with bslz4/);
});

Deno.test("decompressArray: an lz4 block shorter than declared is refused; one new typed array otherwise", () => {
  const image = detectorImage(32, 32);
  const packed = encodeLz4Block(bytesOf(image).subarray(0, 2000));
  assert.throws(
    () => decompressArray("lz4", packed, { elementType: "uint16", uncompressedSize: 2048 }),
    /lz4: decoded to 2000 bytes, the frame declares 2048/,
  );
  const out = decompressArray("lz4", compressArray("lz4", image), {
    elementType: "uint16",
    uncompressedSize: 2048,
  });
  assert.ok(out instanceof Uint16Array && out.byteOffset === 0 && out.buffer.byteLength === 2048);
  assert.deepEqual(out, image);
});
