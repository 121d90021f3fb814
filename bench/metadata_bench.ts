/**
 * `deno task bench:metadata`: frames per second of two distributed consumers (pass-through
 * processor, `-dt uniqueId -du 1 -nc 2`) taking 512x512 uint8 frames as fast as they can, with no
 * metadata channel and with six, each consumer receiving every metadata value (its own frames'
 * and the other consumer's). The source runs in its own process; the consumers run here, as one
 * `--n-consumers 2` group would on one core. About 30 s.
 *
 * @module
 */
import { cpuUsage } from "node:process";
import { silentLogger } from "../protocol/log.ts";
import { PvaClient } from "../protocol/pva/client/mod.ts";
import { loopbackConfig } from "../protocol/pva/config.ts";
import { PvaServer } from "../protocol/pva/server/server.ts";
import { Consumer } from "../runtime/consumer/consumer.ts";
import { type ConsumerOptions, parseConsumerArgs } from "../runtime/consumer/options.ts";
import { startSource } from "./support/source_process.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 8);
const WARMUP = 2;
const SIDE = Number(Deno.env.get("BENCH_SIDE") ?? 512);
const PASSTHROUGH = new URL("../processors/passthrough.ts", import.meta.url).href;

interface Result {
  channels: number;
  fps: number[];
  /** CPU time of this process (both consumers and their Workers) per frame processed, µs. */
  cpuPerFrame: number;
  unmatched: number;
  discarded: number;
  overruns: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `read` gives the same counts twice, a second apart. */
async function settled(read: () => number[]): Promise<void> {
  let last = read();
  for (;;) {
    await sleep(1000);
    const now = read();
    if (now.every((n, i) => n === last[i])) return;
    last = now;
  }
}

async function run(channels: number): Promise<Result> {
  const source = await startSource(Deno.execPath(), [
    ...["run", "-A", new URL("./support/metadata_source.ts", import.meta.url).pathname],
    ...[String(SIDE), String(channels), String(WARMUP + SECONDS + 1)],
  ]);
  const config = loopbackConfig({ nameServers: [`127.0.0.1:${source.port}`] });
  const server = new PvaServer({ tcpOnly: true, config: loopbackConfig() });
  await server.start();
  const client = new PvaClient({ config });
  const list = Array.from({ length: channels }, (_, i) => `pva://bench:meta:${i + 1}`).join(",");
  const argv = ["-ic", "bench:frame", "-dt", "uniqueId", "-du", "1", "-nc", "2"];
  if (channels > 0) argv.push("-mc", list);
  const opts = parseConsumerArgs(argv) as ConsumerOptions;
  // Generous limits: other work may load the machine heavily.
  const processor = { file: PASSTHROUGH, startLimitMs: 120_000, timeLimitMs: 60_000 };
  const ctx = { server, client, logger: silentLogger, processor };
  const consumers = [await Consumer.start(1, opts, ctx), await Consumer.start(2, opts, ctx)];
  const counts = () => consumers.map((c) => c.accounting().processed);
  try {
    await sleep(WARMUP * 1000);
    const before = counts();
    const cpu0 = cpuUsage();
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const after = counts();
    const cpu = cpuUsage(cpu0);
    const seconds = (performance.now() - t0) / 1000;
    // The source stops posting a second later: the consumers then drain, and stop with nothing in flight.
    await settled(counts);
    for (const c of consumers) await c.getStats();
    const blocks = consumers.flatMap((c) =>
      Array.from({ length: channels }, (_, k) => c.status[`metadataStats_${k + 1}`])
    );
    return {
      channels,
      fps: after.map((n, i) => (n - before[i]) / seconds),
      cpuPerFrame: (cpu.user + cpu.system) / after.reduce((s, n, i) => s + n - before[i], 0),
      unmatched: blocks.reduce((s, b) => s + (b.associationStats?.nUnmatched ?? 0), 0),
      discarded: blocks.reduce((s, b) => s + (b.associationStats?.nDiscarded ?? 0), 0),
      overruns: blocks.reduce((s, b) => s + b.receiverStats.nOverruns, 0),
    };
  } finally {
    for (const c of consumers) c.stop();
    await Promise.all(consumers.map((c) => c.done));
    client.close();
    await server.close();
    await source.stop();
  }
}

console.log(
  "| metadata channels | consumer 1 frames/s | consumer 2 frames/s | total | CPU µs/frame | unmatched | discarded | overruns |",
);
console.log(
  "| ----------------- | ------------------- | ------------------- | ----- | ------------ | --------- | --------- | -------- |",
);
for (const channels of [0, 6]) {
  const r = await run(channels);
  const [a, b] = r.fps;
  console.log(
    `| ${r.channels} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a + b).toFixed(0)} | ${
      r.cpuPerFrame.toFixed(0)
    } | ${r.unmatched} | ${r.discarded} | ${r.overruns} |`,
  );
}
