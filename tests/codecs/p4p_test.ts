/**
 * Compressed NTNDArray frames over pvAccess with the real peers: a p4p server posts frames the
 * Python packages compressed (one of them damaged) and our client decodes them; our server
 * hosts frames compressed here and a p4p client decodes them with the Python packages.
 */
import assert from "node:assert/strict";
import { CodecError, decodeFrame, type EncodableCodec, encodeFrame } from "../../protocol/codecs/mod.ts";
import { ntNDArray, readNTNDArray } from "../../protocol/nt/mod.ts";
import { PvaClient } from "../../protocol/pva/client/mod.ts";
import type { NumericArray } from "../../protocol/pvdata/types.ts";
import { host, PREFIX } from "../interop/hosted.ts";
import { epicsEnv, freePorts, runPython, startPython } from "../interop/peers.ts";
import { clientConfig } from "../pva/client/p4p_peer.ts";
import { nextData } from "../support/monitor_events.ts";
import { bytesOf, detectorImage } from "./helpers.ts";
import { IGNORE_PYTHON } from "./python.ts";

const PY = new URL("./py/", import.meta.url).pathname;

async function sha256(data: NumericArray): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytesOf(data).slice());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test({
  name:
    "p4p server → our client: lz4, bslz4 and blosc frames decode; a damaged one is counted and the stream goes on",
  ignore: IGNORE_PYTHON,
  async fn() {
    const ports = freePorts();
    await using server = await startPython(`${PY}codec_server.py`, [], { env: epicsEnv(ports) });
    const client = new PvaClient({ config: clientConfig(ports) });
    try {
      const sub = client.monitor(`${server.ready.prefix}frame`);
      const initial = await nextData(sub);
      assert.equal(readNTNDArray(decodeFrame({ type: initial.type, value: initial.value })).data.length, 64);
      const frames = [
        { codec: "bslz4", dtype: "uint16", width: 1024, height: 1024 },
        { codec: "lz4", dtype: "uint8", width: 640, height: 480 },
        { codec: "bslz4", dtype: "uint16", width: 300, height: 200, corrupt: "truncate" },
        { codec: "blosc", dtype: "float32", width: 256, height: 256, cname: "zstd", shuffle: 2 },
        { codec: "blosc", dtype: "uint16", width: 1024, height: 512, cname: "lz4", shuffle: 1 },
        { codec: "lz4", dtype: "int32", width: 100, height: 100, corrupt: "truncate" },
        { codec: "bslz4", dtype: "float64", width: 123, height: 45 },
      ];
      const errors: CodecError[] = [];
      let decoded = 0;
      for (const [i, spec] of frames.entries()) {
        const { reply } = await server.send(`post ${JSON.stringify({ ...spec, seed: i })}`) as {
          reply: { uniqueId: number; sha256: string; compressedSize: number };
        };
        const ev = await nextData(sub, 20_000);
        const received = readNTNDArray({ type: ev.type, value: ev.value });
        assert.equal(received.uniqueId, reply.uniqueId);
        assert.equal(received.codec.name, spec.codec);
        assert.equal(received.compressedSize, reply.compressedSize);
        try {
          const frame = readNTNDArray(decodeFrame({ type: ev.type, value: ev.value }));
          assert.equal(frame.elementType, spec.dtype);
          assert.deepEqual(frame.dims, [spec.width, spec.height]);
          assert.equal(await sha256(frame.data), reply.sha256, `frame ${i} (${spec.codec} ${spec.dtype})`);
          decoded++;
        } catch (e) {
          if (!(e instanceof CodecError)) throw e;
          errors.push(e);
        }
      }
      assert.equal(decoded, 5);
      assert.deepEqual(errors.map((e) => e.codec), ["bslz4", "lz4"]);
      sub.close();
    } finally {
      client.close();
    }
  },
});

Deno.test({
  name:
    "our server → p4p client: frames compressed here decode with the Python lz4, bitshuffle and blosc packages",
  ignore: IGNORE_PYTHON,
  async fn() {
    const image = detectorImage(1024, 768, 5);
    const images: Record<string, { data: NumericArray; dims: number[]; codec: EncodableCodec }> = {
      "lz4:uint16": { data: image, dims: [1024, 768], codec: "lz4" },
      "bslz4:uint16": { data: image, dims: [1024, 768], codec: "bslz4" },
      "bslz4:float32": {
        data: Float32Array.from(image.subarray(0, 333 * 77), (v) => v / 7),
        dims: [333, 77],
        codec: "bslz4",
      },
      "lz4:int8": { data: Int8Array.from(image.subarray(0, 4001), (v) => v), dims: [4001], codec: "lz4" },
      "blosc:uint16": { data: image, dims: [1024, 768], codec: "blosc" },
      "blosc:float64": {
        data: Float64Array.from(image.subarray(0, 333 * 77), (v) => v / 3),
        dims: [333, 77],
        codec: "blosc",
      },
      "blosc:noise": {
        data: Uint32Array.from({ length: 3001 }, (_, i) => Math.imul(i, 2654435761)),
        dims: [3001],
        codec: "blosc",
      },
    };
    const pvs = Object.fromEntries(
      Object.entries(images).map(([name, { data, dims, codec }]) => [
        name,
        { initial: encodeFrame(ntNDArray({ data, dims, uniqueId: 9 }), codec) },
      ]),
    );
    using hosted = await host(pvs);
    const env = epicsEnv({ tcp: hosted.server.tcpPort, udp: hosted.server.udpPort });
    for (const [name, { data, dims, codec }] of Object.entries(images)) {
      const { code, stderr, documents } = await runPython(`${PY}codec_client.py`, [PREFIX + name], { env });
      assert.equal(code, 0, stderr);
      const sent = readNTNDArray(hosted.pvs.get(name)!.value);
      assert.deepEqual(documents[0], {
        codec,
        parameters: sent.codec.parameters.value,
        uniqueId: 9,
        compressedSize: sent.data.byteLength,
        uncompressedSize: data.byteLength,
        held: sent.data.byteLength,
        sha256: await sha256(data),
        dims,
      });
    }
  },
});
