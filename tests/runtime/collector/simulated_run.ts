/**
 * The run the collector's end-to-end tests share: our simulator on ports of its own → two consumers
 * sharing its frames through the distributor → a collector of their outputs, started once both
 * consumers publish (their output channels appear with their first outputs; a collector searching
 * before that would find them at a later search, perhaps one before the other and frames apart).
 *
 * @module
 */
import { silentLogger } from "../../../protocol/log.ts";
import { configFromEnv } from "../../../protocol/pva/config.ts";
import { PvaClient } from "../../../protocol/pva/client/client.ts";
import { PvaServer } from "../../../protocol/pva/server/server.ts";
import type { Collector } from "../../../runtime/collector/collector.ts";
import type { Consumer } from "../../../runtime/consumer/consumer.ts";
import type { Frame } from "../../../runtime/processor/mod.ts";
import { Simulator, type SimulatorOptions, type SimulatorStats } from "../../../runtime/simulator/mod.ts";
import { startCollector, startConsumer, stopAll, sumProcessed, until } from "../consumer/harness.ts";
import { epicsEnv, freePorts } from "../../interop/peers.ts";

/** What the run leaves for the test to check; every part of it has stopped. */
export interface SimulatedRun {
  /** The simulator's final numbers. */
  stats: SimulatorStats;
  consumers: Consumer[];
  collector: Collector;
}

/**
 * Runs 16x16 frames at 20 frames/s after an 8 s start delay (for the consumers' sandboxes to start),
 * with `sim` on top, until every id from the collector's first on is collected, cached or missed;
 * then stops the collector and the consumers.
 * @param collectorArgv the collector's command line beside `-ic pvapy:consumer:*:output`
 * @param onFrame sees each frame the collector hands to its processor
 */
export async function simulatedRun(
  sim: Partial<SimulatorOptions>,
  collectorArgv: string[],
  onFrame: (frame: Frame) => void,
): Promise<SimulatedRun> {
  const simPorts = freePorts();
  const ports = freePorts();
  const config = configFromEnv({
    ...epicsEnv(ports),
    EPICS_PVA_ADDR_LIST: `127.0.0.1:${ports.udp} 127.0.0.1:${simPorts.udp}`,
  });
  const simulator = new Simulator({
    channelName: "sim:image",
    frameRate: 20,
    nx: 16,
    ny: 16,
    nFrames: 10,
    startDelay: 8,
    shutdownDelay: 2,
    reportPeriod: 0,
    config: configFromEnv(epicsEnv(simPorts)),
    ...sim,
  });
  await simulator.start();
  const server = new PvaServer({ config, logger: silentLogger });
  await server.start();
  const client = new PvaClient({ config, logger: silentLogger });
  const consumers: Consumer[] = [];
  let collector: Collector | undefined;
  try {
    const argv = ["-ic", "sim:image", "-dt", "uniqueId", "-du", "1", "-nc", "2", "-oc", "_"];
    for (const id of [1, 2]) consumers.push(await startConsumer(id, server, client, { argv }));
    await until("both outputs", () => consumers.every((k) => k.accounting().published > 0), 30_000);
    let firstId: number | undefined;
    const c = collector = await startCollector(
      server,
      client,
      ["-ic", "pvapy:consumer:*:output", ...collectorArgv],
      (f) => {
        firstId ??= f.uniqueId;
        onFrame(f);
      },
    );
    const stats = await simulator.finished;
    const published = stats.framesPublished;
    await until(
      "every frame processed by the consumers",
      async () => await sumProcessed(consumers) === published,
    );
    await until("every id from the collector's first accounted for", () => {
      const s = c.snapshot();
      return firstId !== undefined && s.collected + s.cached + s.missed === published - firstId + 1;
    });
    await stopAll(consumers);
    c.stop();
    await c.done;
    return { stats, consumers, collector: c };
  } finally {
    await stopAll(consumers);
    collector?.stop();
    await collector?.done;
    await client.close();
    await server.close();
    await simulator.stop();
  }
}
