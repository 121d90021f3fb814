/**
 * Benchmark source: hosts one NTNDArray PV and posts a new frame whenever every subscriber
 * has room for one (as fast as the clients take them, none folded). Prints "READY <port>".
 * Usage: deno run -A bench/support/pva_source.ts <bytesPerFrame> [uint8|uint16|float32]
 */
import { setImmediate } from "node:timers";
import { ntNDArray } from "../../protocol/nt/mod.ts";
import { NDARRAY_MEMBERS } from "../../protocol/nt/ndarray.ts";
import { loopbackConfig } from "../../protocol/pva/config.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { SharedPV } from "../../protocol/pva/server/shared_pv.ts";

const bytes = Number(Deno.args[0]);
const type = (Deno.args[1] ?? "uint8") as keyof typeof ARRAYS;
const ARRAYS = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array };
const elements = bytes / ARRAYS[type].BYTES_PER_ELEMENT;
const side = Math.sqrt(elements);
const frames = [1, 2].map((k) => new ARRAYS[type](elements).fill(k));
const pv = new SharedPV();
pv.open(ntNDArray({ data: frames[0], dims: [side, side], uniqueId: 0 }));
const server = new PvaServer({ tcpOnly: true, config: loopbackConfig() });
server.addPV("bench:frame", pv);
await server.start();
console.log(`READY ${server.tcpPort}`);
for (let id = 1;; id++) {
  await pv.waitForRoom();
  pv.post({ value: { name: NDARRAY_MEMBERS[type], value: frames[id & 1] }, uniqueId: id });
  // Let socket I/O run between posts even when there is room for many.
  if (id % 4 === 0) await new Promise((r) => setImmediate(r));
}
