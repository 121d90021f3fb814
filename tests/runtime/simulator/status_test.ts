import assert from "node:assert/strict";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { silentLogger } from "../../../protocol/log.ts";
import { parseSimulatorArgs, Simulator } from "../../../runtime/simulator/mod.ts";
import { serveSimulatorStatus } from "../../../runtime/simulator/status.ts";
import { clientOf } from "../../pva/server/harness.ts";

Deno.test("simulator status: the options, the status PV and the HTTP API; stop over HTTP ends publishing", async () => {
  const inv = parseSimulatorArgs([
    "-sc",
    "sim:status",
    "--http-port",
    "0",
    "-cn",
    "sim:frames",
    "-fps",
    "100",
  ]);
  assert.ok("tool" in inv);
  assert.deepEqual(inv.tool, { statusChannel: "sim:status", httpPort: "0" });
  const sim = new Simulator({
    ...inv.settings,
    nx: 8,
    ny: 8,
    runtime: 0,
    startDelay: 0,
    shutdownDelay: 0,
    reportPeriod: 0,
    config: loopbackConfig(),
    logger: silentLogger,
  });
  await sim.start();
  const services = await serveSimulatorStatus(sim, inv.tool, silentLogger);
  const client = clientOf(sim.server);
  try {
    await new Promise((r) => setTimeout(r, 300));
    services.feed.refresh();
    const pv = (await client.get("sim:status")).value;
    assert.equal(pv.channelName, "sim:frames");
    assert.equal(pv.state, "publishing");
    assert.ok((pv.framesPublished as number) > 0);
    const http = await (await fetch(new URL("api/status", services.httpUrl))).json();
    assert.equal(http.channelName, "sim:frames");
    assert.ok(http.framesPublished >= (pv.framesPublished as number));

    const refused = await fetch(new URL("api/reset-stats", services.httpUrl), { method: "POST" });
    assert.equal(refused.status >= 400, true);
    await refused.body?.cancel();
    const stop = await fetch(new URL("api/stop", services.httpUrl), { method: "POST" });
    assert.equal((await stop.json()).statusMessage, "Stop flag set");
    const final = await sim.finished;
    assert.equal(final.state, "stopped");
    assert.equal(final.framesPublished, final.lastUniqueId);
  } finally {
    await client.close();
    await services.close();
    await sim.stop();
  }
});
