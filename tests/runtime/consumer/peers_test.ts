/**
 * Our consumer with PvaPy's tools on loopback: pvapy-ad-sim-server feeding our consumer (its
 * status PV read and its control PV written by p4p and pvapy), and our simulator feeding two
 * pvapy-hpc-consumers that share the frames through our server's distributor.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { configFromEnv } from "../../../protocol/pva/config.ts";
import { silentLogger } from "../../../protocol/log.ts";
import { PvaClient } from "../../../protocol/pva/client/client.ts";
import { PvaServer } from "../../../protocol/pva/server/server.ts";
import { Consumer } from "../../../runtime/consumer/consumer.ts";
import { type ConsumerOptions, parseConsumerArgs } from "../../../runtime/consumer/options.ts";
import { Simulator } from "../../../runtime/simulator/mod.ts";
import { epicsEnv, freePorts, peerPython, requirePeers, runPython } from "../../interop/peers.ts";

const IGNORE = !requirePeers("consumer with PvaPy's tools");
const PASSTHROUGH = new URL("../../../processors/passthrough.ts", import.meta.url).href;

function pvapyTool(name: string): string {
  return `${dirname(peerPython()!)}/${name}`;
}

/** The last value of `key` in a PvaPy tool's printed stats (`'nProcessed': 401`). */
function lastStat(text: string, key: string): number {
  const all = [...text.matchAll(new RegExp(`'${key}': (\\d+)`, "g"))];
  assert.ok(all.length > 0, `no ${key} in:\n${text}`);
  return Number(all[all.length - 1][1]);
}

Deno.test({
  name: "pvapy-ad-sim-server feeds our consumer; p4p and pvapy read its status and stop it",
  ignore: IGNORE,
}, async () => {
  const env = epicsEnv(freePorts());
  const sim = new Deno.Command(pvapyTool("pvapy-ad-sim-server"), {
    args: [
      "-cn",
      "pvapy:sim",
      "-fps",
      "100",
      "-nx",
      "32",
      "-ny",
      "32",
      "-rt",
      "3",
      "-std",
      "3",
      "-shd",
      "30",
      "-dc",
    ],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const config = configFromEnv(env);
  const server = new PvaServer({ config, logger: silentLogger });
  await server.start();
  const client = new PvaClient({ config, logger: silentLogger });
  const opts = parseConsumerArgs(["-ic", "pvapy:sim", "-sc", "_", "-cc", "_", "-id", "4"]) as ConsumerOptions;
  const consumer = await Consumer.start(4, opts, {
    server,
    client,
    logger: (await import("../../../protocol/log.ts")).createLogger({ level: "debug" }),
    processor: { file: PASSTHROUGH, startLimitMs: 120_000 },
  });
  try {
    // 3 s at 100 frames/s after a 3 s start delay: about 300 frames (the sim's own clock decides
    // whether 300 or 301), the first ones perhaps before we connected. Done once the ids stop rising.
    const deadline = performance.now() + 30_000;
    let last = { id: 0, since: performance.now() };
    for (;;) {
      await consumer.getStats();
      const p = consumer.status.processorStats;
      if (p.lastObjectId !== last.id) last = { id: p.lastObjectId, since: performance.now() };
      if (p.lastObjectId >= 290 && performance.now() - last.since > 1500) {
        assert.ok(p.lastObjectId <= 310, `more frames than the sim sends: ${JSON.stringify(p)}`);
        assert.equal(p.nProcessed, p.lastObjectId - p.firstObjectId + 1, JSON.stringify(p));
        break;
      }
      assert.ok(performance.now() < deadline, `not all frames processed: ${JSON.stringify(p)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(consumer.status.processorStats.nMissed, 0);

    for (const script of ["p4p_client.py", "pvapy_client.py"]) {
      const got = await runPython(script, ["get", "pvapy:consumer:4:status"], { env });
      assert.equal(got.code, 0, got.stderr);
      const status = got.documents[0] as { value: { processorStats: { nProcessed: number } } };
      assert.equal(Number(status.value.processorStats.nProcessed), consumer.status.processorStats.nProcessed);
    }
    const put = await runPython(
      "pvapy_client.py",
      ["put", "pvapy:consumer:4:control", '{"command": "stop"}'],
      { env },
    );
    assert.equal(put.code, 0, put.stderr);
    await consumer.done;
  } finally {
    consumer.stop();
    await consumer.done;
    await client.close();
    await server.close();
    try {
      sim.kill("SIGTERM");
    } catch {
      // It has ended by itself.
    }
    await sim.output();
  }
});

Deno.test({
  name: "our simulator feeds two pvapy-hpc-consumers sharing the frames through the distributor",
  ignore: IGNORE,
}, async () => {
  const env = epicsEnv(freePorts());
  const sim = new Simulator({
    channelName: "sim:shared",
    frameRate: 100,
    runtime: 2,
    nx: 32,
    ny: 32,
    nFrames: 10,
    startDelay: 4,
    shutdownDelay: 4,
    reportPeriod: 0,
    config: configFromEnv(env),
  });
  await sim.start();
  const consumers = [1, 2].map((id) =>
    new Deno.Command(pvapyTool("pvapy-hpc-consumer"), {
      args: [
        "-ic",
        "sim:shared",
        "-id",
        String(id),
        "-nc",
        "1",
        "-dt",
        "uniqueId",
        "-du",
        "1",
        "-rt",
        "9",
        "-rp",
        "20",
        "-dc",
      ],
      env: { ...env, EPICS_PVAS_SERVER_PORT: String(freePorts().tcp) },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output()
  );
  const [stats, ...outs] = await Promise.all([sim.finished, ...consumers]);
  const texts = outs.map((o) => new TextDecoder().decode(o.stdout));
  outs.forEach((o, i) => assert.equal(o.code, 0, texts[i] + new TextDecoder().decode(o.stderr)));
  assert.equal(stats.framesPublished, 201);
  assert.equal(stats.notDelivered, 0, "both consumers were there from the first frame");
  const processed = texts.map((t) => lastStat(t, "nProcessed"));
  assert.ok(processed.every((n) => n > 50), `both got a share: ${processed}`);
  assert.equal(processed[0] + processed[1], 201, "every frame went to exactly one of them");
});
