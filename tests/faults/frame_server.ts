/**
 * A frame source to kill: hosts `det:image` (the consumer tests' small NTNDArray frames) on the EPICS
 * environment's ports, opened with frame `--first`; once a monitor is running it posts the next frames up
 * to `--first` + `--count` - 1, each once every subscriber has room, and prints `SENT <last id>`. Prints
 * `READY <tcp port>` when serving. Runs until killed.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { silentLogger } from "../../protocol/log.ts";
import { configFromEnv } from "../../protocol/pva/config.ts";
import { PvaServer, SharedPV } from "../../protocol/pva/server/mod.ts";
import { frame, FRAME_TYPE } from "../runtime/consumer/harness.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { first: { type: "string" }, count: { type: "string" } },
});
const first = Number(values.first);
const count = Number(values.count);
const server = new PvaServer({ config: configFromEnv(), logger: silentLogger });
const pv = new SharedPV();
pv.open({ type: FRAME_TYPE, value: frame(first) });
server.addPV("det:image", pv);
await server.start();
console.log(`READY ${server.tcpPort}`);
while (!pv.subscribers().some((s) => s.running)) await new Promise((r) => setTimeout(r, 5));
for (let id = first + 1; id < first + count; id++) {
  await pv.waitForRoom();
  pv.post(frame(id));
}
console.log(`SENT ${first + count - 1}`);
