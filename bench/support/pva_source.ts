/**
 * Benchmark source: hosts one NTNDArray PV and posts frames as fast as the event loop
 * allows (monitors fold what their clients cannot take). Prints "READY <port>".
 * Usage: deno run -A bench/support/pva_source.ts <bytesPerFrame>
 */
import { setImmediate } from "node:timers";
import { ntNDArray } from "../../protocol/nt/mod.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { SharedPV } from "../../protocol/pva/server/shared_pv.ts";

const bytes = Number(Deno.args[0]);
const side = Math.sqrt(bytes);
const frames = [1, 2].map((k) => new Uint8Array(bytes).fill(k));
const pv = new SharedPV();
pv.open(ntNDArray({ data: frames[0], dims: [side, side], uniqueId: 0 }));
const server = new PvaServer({
  tcpOnly: true,
  config: {
    serverPort: 0,
    broadcastPort: 0,
    addrList: [],
    autoAddrList: false,
    beaconAddrList: [],
    autoBeaconAddrList: false,
    interfaces: ["127.0.0.1"],
    nameServers: [],
    idleTimeout: 40,
  },
});
server.addPV("bench:frame", pv);
await server.start();
console.log(`READY ${server.tcpPort}`);
let id = 0;
const post = () => {
  id++;
  pv.post({ value: { name: "ubyteValue", value: frames[id & 1] }, uniqueId: id });
  setImmediate(post);
};
post();
