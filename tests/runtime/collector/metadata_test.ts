/**
 * Metadata with a collector: the simulator's `--metadata-pv` channel, matched by time stamp to the
 * frames the collector puts back in order after two distributed consumers, each collected frame
 * carrying exactly its own value.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../../protocol/log.ts";
import { configFromEnv } from "../../../protocol/pva/config.ts";
import { PvaClient } from "../../../protocol/pva/client/client.ts";
import { PvaServer } from "../../../protocol/pva/server/server.ts";
import { Collector } from "../../../runtime/collector/collector.ts";
import type { Consumer } from "../../../runtime/consumer/consumer.ts";
import { Simulator } from "../../../runtime/simulator/mod.ts";
import { metadataValue } from "../../../runtime/simulator/metadata_pvs.ts";
import { startCollector, startConsumer, stopAll, sumProcessed, until } from "../consumer/harness.ts";
import { epicsEnv, freePorts } from "../../interop/peers.ts";

Deno.test("collector --metadata-channels: every collected frame carries its own value", async () => {
  const simPorts = freePorts();
  const ports = freePorts();
  const config = configFromEnv({
    ...epicsEnv(ports),
    EPICS_PVA_ADDR_LIST: `127.0.0.1:${ports.udp} 127.0.0.1:${simPorts.udp}`,
  });
  const sim = new Simulator({
    channelName: "sim:image",
    metadataPv: "pva://sim:meta:a",
    frameRate: 20,
    runtime: 5,
    nx: 16,
    ny: 16,
    nFrames: 10,
    startDelay: 8,
    shutdownDelay: 2,
    reportPeriod: 0,
    config: configFromEnv(epicsEnv(simPorts)),
  });
  await sim.start();
  const server = new PvaServer({ config, logger: silentLogger });
  await server.start();
  const client = new PvaClient({ config, logger: silentLogger });
  const consumers: Consumer[] = [];
  const seen: { id: number; value: unknown }[] = [];
  let collector: Collector | undefined;
  try {
    const argv = ["-ic", "sim:image", "-dt", "uniqueId", "-du", "1", "-nc", "2", "-oc", "_"];
    for (const id of [1, 2]) consumers.push(await startConsumer(id, server, client, { argv }));
    await until("both outputs", () => consumers.every((k) => k.accounting().published > 0), 30_000);
    collector = await startCollector(
      server,
      client,
      ["-ic", "pvapy:consumer:*:output", "-siu", "0", "-sqs", "200", "-mc", "pva://sim:meta:a"],
      (f) => seen.push({ id: f.uniqueId, value: f.attributes["sim:meta:a"] }),
    );
    const stats = await sim.finished;
    const published = stats.framesPublished;
    await until(
      "every frame processed by the consumers",
      async () => await sumProcessed(consumers) === published,
    );
    const c = collector;
    await until("every id from the collector's first accounted for", () => {
      const s = c.snapshot();
      return seen.length > 0 && s.collected + s.cached + s.missed === published - seen[0].id + 1;
    });
    await stopAll(consumers);
    c.stop();
    await c.done;
    assert.ok(seen.length > published / 2, `${seen.length} of ${published} frames collected`);
    // The collector joins mid-stream: its first frames may be older than the first metadata value
    // it receives, and go unmatched; from the first match on, every frame carries its own value.
    const first = seen.findIndex((f) => f.value !== undefined);
    assert.ok(first >= 0 && first <= 3, `frames before the first match: ${first}`);
    for (const { id, value } of seen.slice(first)) assert.equal(value, metadataValue(id, 1), `frame ${id}`);
    const block = c.status.metadataStats_1 as unknown as {
      channel: string;
      associationStats: { nMatched: number; nUnmatched: number };
    };
    assert.equal(block.channel, "sim:meta:a");
    assert.equal(block.associationStats.nMatched, seen.length - first);
    assert.equal(block.associationStats.nUnmatched, first);
  } finally {
    await stopAll(consumers);
    collector?.stop();
    await collector?.done;
    await client.close();
    await server.close();
    await sim.stop();
  }
});
