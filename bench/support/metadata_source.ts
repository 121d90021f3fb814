/**
 * Benchmark source for `bench:metadata`: hosts the NTNDArray PV `bench:frame` and N metadata PVs
 * `bench:meta:1..N` ({double value; time_t timeStamp}, as the simulator's `--metadata-pv`). Whenever
 * every frame subscriber has room, it posts each metadata PV and then a frame, all with one time
 * stamp, for `seconds`, then only serves (so consumers can stop with nothing in flight). Prints
 * "READY <port>".
 * Usage: deno run -A bench/support/metadata_source.ts <side> <channels> <seconds>
 */
import { setImmediate } from "node:timers";
import { ntNDArray } from "../../protocol/nt/mod.ts";
import { NDARRAY_MEMBERS } from "../../protocol/nt/ndarray.ts";
import { timeStampNow } from "../../protocol/nt/time.ts";
import { loopbackConfig } from "../../protocol/pva/config.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { SharedPV } from "../../protocol/pva/server/shared_pv.ts";
import { METADATA_PV_TYPE, metadataValue } from "../../runtime/simulator/metadata_pvs.ts";

const side = Number(Deno.args[0]);
const channels = Number(Deno.args[1]);
const seconds = Number(Deno.args[2]);
const pixels = new Uint8Array(side * side).fill(7);
const frames = new SharedPV();
frames.open(ntNDArray({ data: pixels, dims: [side, side], uniqueId: 0 }));
const server = new PvaServer({ tcpOnly: true, config: loopbackConfig() });
server.addPV("bench:frame", frames);
const metadata = Array.from({ length: channels }, (_, i) => {
  const pv = new SharedPV();
  pv.open({ type: METADATA_PV_TYPE });
  server.addPV(`bench:meta:${i + 1}`, pv);
  return pv;
});
await server.start();
console.log(`READY ${server.tcpPort}`);
const end = performance.now() + seconds * 1000;
for (let id = 1; performance.now() < end; id++) {
  await frames.waitForRoom();
  const timeStamp = timeStampNow();
  metadata.forEach((pv, i) => pv.post({ value: metadataValue(id, i + 1), timeStamp }));
  frames.post({ value: { name: NDARRAY_MEMBERS.uint8, value: pixels }, uniqueId: id, timeStamp });
  // Let socket I/O run between posts even when there is room for many.
  if (id % 4 === 0) await new Promise((r) => setImmediate(r));
}
