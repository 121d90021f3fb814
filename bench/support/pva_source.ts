/**
 * Benchmark source: hosts one NTNDArray PV and posts a new frame whenever every subscriber
 * has room for one (as fast as the clients take them, none folded). Prints "READY <port>".
 * Usage: deno run -A bench/support/pva_source.ts <bytesPerFrame>
 */
import { setImmediate } from "node:timers";
import { ntNDArray } from "../../protocol/nt/mod.ts";
import { loopbackConfig } from "../../protocol/pva/config.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { SharedPV } from "../../protocol/pva/server/shared_pv.ts";

const bytes = Number(Deno.args[0]);
const side = Math.sqrt(bytes);
const frames = [1, 2].map((k) => new Uint8Array(bytes).fill(k));
const pv = new SharedPV();
pv.open(ntNDArray({ data: frames[0], dims: [side, side], uniqueId: 0 }));
const server = new PvaServer({ tcpOnly: true, config: loopbackConfig() });
server.addPV("bench:frame", pv);
await server.start();
console.log(`READY ${server.tcpPort}`);
for (let id = 1;; id++) {
  await pv.waitForRoom();
  pv.post({ value: { name: "ubyteValue", value: frames[id & 1] }, uniqueId: id });
  // Let socket I/O run between posts even when there is room for many.
  if (id % 4 === 0) await new Promise((r) => setImmediate(r));
}
