/**
 * The collector with PvaPy's tools on loopback: pvapy-hpc-collector collecting the outputs of our two
 * distributed consumers, and our collector collecting the outputs of two pvapy-hpc-consumers sharing
 * our source through the distributor. Each run is checked frame by frame.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { configFromEnv } from "../../../protocol/pva/config.ts";
import { silentLogger } from "../../../protocol/log.ts";
import type { PvaClient } from "../../../protocol/pva/client/client.ts";
import { PvaClient as Client } from "../../../protocol/pva/client/client.ts";
import { PvaServer } from "../../../protocol/pva/server/server.ts";
import type { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import { Collector } from "../../../runtime/collector/collector.ts";
import type { Consumer } from "../../../runtime/consumer/consumer.ts";
import { epicsEnv, freePorts, peerPython, requirePeers, runPython } from "../../interop/peers.ts";
import {
  frame,
  producerReceived,
  source,
  startCollector,
  startConsumer,
  stopAll,
  subscribed,
  until,
} from "../consumer/harness.ts";

const IGNORE = !requirePeers("collector with PvaPy's tools");
const FRAMES = 200;
/** A PvaPy processor publishing each frame unchanged. */
const PVAPY_PASSTHROUGH = new URL("fixtures/pvapy_passthrough.py", import.meta.url).pathname;

function pvapyTool(name: string): string {
  return `${dirname(peerPython()!)}/${name}`;
}

/** Runs `body` with our server (which forwards PvaPy's searches on loopback) hosting `det:image`. */
async function withLoopback(
  body: (
    ctx: { server: PvaServer; client: PvaClient; pv: SharedPV; env: Record<string, string> },
  ) => Promise<void>,
): Promise<void> {
  const env = epicsEnv(freePorts());
  const config = configFromEnv(env);
  const server = new PvaServer({ config, logger: silentLogger });
  await server.start();
  const client = new Client({ config, logger: silentLogger });
  try {
    await body({ server, client, pv: source(server), env });
  } finally {
    await client.close();
    await server.close();
  }
}

/** Posts frames `first..last` about every 10 ms (PvaPy's Python side takes its time), each once there is room. */
async function paced(pv: SharedPV, first: number, last: number): Promise<void> {
  for (let id = first; id <= last; id++) {
    await pv.waitForRoom();
    pv.post(frame(id));
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A member of a status PV read with our client, or undefined while it cannot be read. */
async function statusField(client: PvaClient, channel: string, path: string[]): Promise<number | undefined> {
  const s = await client.get(channel, { timeout: 2000 }).catch(() => null);
  let v: unknown = s?.value;
  for (const k of path) v = (v as Record<string, unknown> | undefined)?.[k];
  return v === undefined ? undefined : Number(v);
}

Deno.test({
  name: "pvapy-hpc-collector collects our two distributed consumers' outputs, every frame in order",
  ignore: IGNORE,
}, async () => {
  await withLoopback(async ({ server, client, pv, env }) => {
    const consumers: Consumer[] = [];
    let collector: Deno.ChildProcess | undefined;
    try {
      for (const id of [1, 2]) {
        consumers.push(
          await startConsumer(id, server, client, {
            argv: ["-dt", "uniqueId", "-du", "1", "-nc", "2", "-oc", "_"],
          }),
        );
      }
      await subscribed(pv, 2);
      // Output channels exist from the first output on: one frame each before the collector starts.
      await paced(pv, 1, 2);
      await until("both outputs", () => consumers.every((c) => c.accounting().published === 1));
      collector = new Deno.Command(pvapyTool("pvapy-hpc-collector"), {
        args: ["-ic", "pvapy:consumer:*:output", "-pid", "1,2", "-sc", "_", "-cc", "_", "-siu", "0", "-dc"],
        env: { ...env, EPICS_PVAS_SERVER_PORT: String(freePorts().tcp) },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      const status = "pvapy:collector:1:status";
      const received = (p: number) =>
        statusField(client, status, [`producerStats_${p}`, "receiverStats", "nReceived"]);
      await until(
        "pvapy-hpc-collector monitors both outputs",
        async () => await received(1) === 1 && await received(2) === 1,
        60_000,
      );
      await paced(pv, 3, FRAMES);
      // It releases a cache that is not full one run after 5 s idle.
      await until(
        "pvapy-hpc-collector collected every frame",
        async () => await statusField(client, status, ["collectorStats", "nCollected"]) === FRAMES,
        30_000,
      );
      const s = await client.get(status);
      const v = s.value as {
        collectorStats: Record<string, number>;
        processorStats: Record<string, number>;
      };
      assert.equal(Number(v.collectorStats.nMissed), 0);
      assert.equal(Number(v.collectorStats.nRejected), 0);
      assert.equal(Number(v.processorStats.nProcessed), FRAMES);
      assert.equal(Number(v.processorStats.firstObjectId), 1);
      assert.equal(Number(v.processorStats.lastObjectId), FRAMES);
      assert.equal(Number(v.processorStats.nMissed), 0, "PvaPy's processor saw no gap: the order was kept");
      await client.put("pvapy:collector:1:control", { command: "stop" });
      assert.equal((await collector.status).code, 0);
    } finally {
      try {
        collector?.kill("SIGKILL");
      } catch {
        // It has exited.
      }
      await collector?.status;
      await stopAll(consumers);
    }
  });
});

Deno.test({
  name:
    "our collector collects the outputs of two pvapy-hpc-consumers sharing our source, every frame in order",
  ignore: IGNORE,
}, async () => {
  await withLoopback(async ({ server, client, pv, env }) => {
    const consumers = [1, 2].map((id) =>
      new Deno.Command(pvapyTool("pvapy-hpc-consumer"), {
        args: [
          "-ic",
          "det:image",
          "-id",
          String(id),
          "-nc",
          "1",
          "-dt",
          "uniqueId",
          "-du",
          "1",
          "-oc",
          "_",
          "-sc",
          "_",
          "-rp",
          "1",
          "-pf",
          PVAPY_PASSTHROUGH,
          "-pc",
          "PassThrough",
          "-dc",
        ],
        env: { ...env, EPICS_PVAS_SERVER_PORT: String(freePorts().tcp) },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn()
    );
    const seen: number[] = [];
    let collector: Collector | undefined;
    try {
      await subscribed(pv, 2);
      // PvaPy's consumer creates its output channel with its first processed frame; with one frame each
      // neither had processed one (the current value is skipped, and PvaPy skips on its own count): four.
      await paced(pv, 1, 4);
      const processed = (id: number) =>
        statusField(client, `pvapy:consumer:${id}:status`, ["processorStats", "nProcessed"]);
      await until(
        "each pvapy-hpc-consumer processed a frame",
        async () => (await processed(1) ?? 0) > 0 && (await processed(2) ?? 0) > 0,
        60_000,
      );
      collector = await startCollector(
        server,
        client,
        ["-ic", "pvapy:consumer:*:output", "-pid", "1,2", "-siu", "0", "-sc", "_", "-cc", "_"],
        (f) => seen.push(f.uniqueId),
      );
      const c = collector;
      const received = (p: number) => producerReceived(c, p);
      await until(
        "our collector monitors both outputs",
        async () => await received(1) === 1 && await received(2) === 1,
        30_000,
      );
      await paced(pv, 5, FRAMES);
      // The monitors' initial values are each consumer's latest output, 3 and 4; every frame after follows.
      await until(
        "every frame received",
        async () => await received(1) + await received(2) === FRAMES - 2,
        30_000,
      );
      // PvaPy-era clients read our status PV and stop us through the control PV.
      await c.getStats();
      const got = await runPython("p4p_client.py", ["get", "pvapy:collector:1:status"], { env });
      assert.equal(got.code, 0, got.stderr);
      const status = got.documents[0] as {
        value: { producerStats_2: { receiverStats: { nReceived: number } } };
      };
      assert.equal(
        Number(status.value.producerStats_2.receiverStats.nReceived),
        c.status.producerStats_2.receiverStats.nReceived,
      );
      const put = await runPython("pvapy_client.py", [
        "put",
        "pvapy:collector:1:control",
        '{"command": "stop"}',
      ], {
        env,
      });
      assert.equal(put.code, 0, put.stderr);
      await c.done;
      assert.deepEqual(seen, Array.from({ length: FRAMES - 2 }, (_, i) => i + 3));
      const s = c.snapshot();
      assert.deepEqual([s.collected, s.missed, s.rejected], [FRAMES - 2, 0, 0]);
    } finally {
      collector?.stop();
      await collector?.done;
      for (const p of consumers) {
        try {
          p.kill("SIGTERM");
        } catch {
          // It has exited.
        }
      }
      await Promise.all(consumers.map((p) => p.status));
    }
  });
});
