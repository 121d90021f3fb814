/**
 * A server for the file-descriptor test, run in its own process under a low `ulimit -n`:
 * hosts t:counter (value 11) on a free loopback port, prints `READY <port>` on standard
 * output and logs (info and up) to standard error until killed.
 * @module
 */
import { createLogger } from "../../../protocol/log.ts";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { PvaServer } from "../../../protocol/pva/server/mod.ts";
import { counterPv } from "../server/harness.ts";

const server = new PvaServer({
  config: loopbackConfig(),
  tcpOnly: true,
  logger: createLogger({ level: "info", name: "fd_server" }),
});
server.addPV("t:counter", counterPv(11));
await server.start();
// As `pva serve` does; it also sets up Deno's signal handling before descriptors run out
// (Deno 2.9.6 panics when it has to do that later, with none left).
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
console.log(`READY ${server.tcpPort}`);
