/**
 * The server under fuzz, in its own process so that a crash or a hang is seen from outside:
 * hosts the interop catalogue (without its multi-megabyte images and arrays) under
 * `pvastream:ours:` on free loopback ports, little-endian, and a second, big-endian server
 * with the same PVs; posts `counter` every 20 ms for the watching p4p monitor. Prints
 * `READY {"tcp", "bigTcp", "udp"}` on standard output and logs JSON lines (info and up) on
 * standard error until killed. Messages time out after 2 s so that stalled fuzz messages clear fast.
 *
 * @module
 */
import { createLogger } from "../../protocol/log.ts";
import { catalogue, host, type HostedPV, loopbackConfig } from "../interop/hosted.ts";

const TOO_BIG = new Set(["array:float64:big", "image:u8", "image:u16"]);
const pvs: Record<string, HostedPV> = Object.fromEntries(
  Object.entries(catalogue()).filter(([name]) => !TOO_BIG.has(name)),
);
const logger = createLogger({ level: "info", format: "json", name: "fuzz-server" });
// The idle timeout stays at its default (40 s): a p4p monitor that only receives sends nothing for
// more than 10 s at a time, and a shorter one cut the very client whose updates the fuzzer watches.
const config = loopbackConfig({ limits: { ...loopbackConfig().limits, messageTimeout: 2 } });
const little = await host(pvs, config, { logger });
const big = await host(pvs, { ...config, broadcastPort: 0 }, { logger, byteOrder: "big", tcpOnly: true });
let n = 0;
const counter = little.pvs.get("counter")!;
setInterval(() => counter.post({ value: ++n }), 20);
// A stalled event loop starves every client: say so, with the length of the stall.
let tick = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - tick > 500) logger.warn(`event loop stalled for ${Math.round(now - tick)} ms`);
  tick = now;
}, 100);
// The JavaScript heap beside the RSS the runner samples: growth of one and not the other tells a
// leak from an allocator keeping freed pages.
// (after a full collection when the runner started us with --expose-gc).
const collect = (globalThis as { gc?: () => void }).gc;
setInterval(() => {
  collect?.();
  const { heapUsed, heapTotal, external } = Deno.memoryUsage();
  logger.info(`heap used ${heapUsed} bytes of ${heapTotal}, external ${external} bytes`);
}, 1000);
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
console.log(
  `READY ${
    JSON.stringify({ tcp: little.server.tcpPort, bigTcp: big.server.tcpPort, udp: little.server.udpPort })
  }`,
);
