/**
 * p4p and pvapy clients read our status PV and drive our control PV as they would PvaPy's: each command
 * reaches the target and the control PV then carries PvaPy's statusMessage.
 */
import assert from "node:assert/strict";
import { PvaServer } from "../../../protocol/pva/server/mod.ts";
import { ControlPV } from "../../../runtime/control/mod.ts";
import { FrameAccounting, StatsReporter } from "../../../runtime/stats/mod.ts";
import { ConsumerStatusBuilder, StatusFeed, StatusPV } from "../../../runtime/status/mod.ts";
import { loopbackConfig } from "../../interop/hosted.ts";
import { epicsEnv, requirePeers } from "../../interop/peers.ts";
import { Plan } from "../../interop/plan.ts";
import { RecordingTarget } from "./recording_target.ts";

const STATUS = "pvapy:consumer:7:status";
const CONTROL = "pvapy:consumer:7:control";

async function checkPeer(script: string) {
  const accounting = new FrameAccounting();
  for (let id = 1; id <= 5; id++) accounting.received(id);
  const reporter = new StatsReporter();
  const builder = new ConsumerStatusBuilder({
    consumerId: 7,
    inputChannel: "pvapy:image",
    userStats: { nFrames: "uint" },
  });
  const feed = new StatusFeed({
    build: () => builder.build(reporter.report(accounting.snapshot()), { userStats: { nFrames: 5 } }),
  });
  const target = new RecordingTarget(() => feed.refresh());
  const status = new StatusPV(builder.type, feed);
  const control = new ControlPV({ kind: "consumer", id: 7, target });
  const server = new PvaServer({ config: loopbackConfig() });
  server.addPV(STATUS, status.pv);
  server.addPV(CONTROL, control.pv);
  await server.start();
  try {
    await using plan = await Plan.start(script, epicsEnv({ tcp: server.tcpPort, udp: server.udpPort }));
    const readStatus = async () =>
      (await plan.run({ op: "get", pv: STATUS })).value as Record<string, unknown>;
    const command = async (command: string, args = "") => {
      await plan.run({ op: "put", pv: CONTROL, value: { command, args } });
      return (await plan.run({ op: "get", pv: CONTROL })).value as Record<string, unknown>;
    };

    const before = await readStatus();
    assert.equal(before.consumerId, 7);
    assert.equal(before.inputChannel, "pvapy:image");
    assert.equal((before.receiverStats as { nReceived: number }).nReceived, 5);
    assert.deepEqual(before.userStats, { nFrames: 5 });

    const configured = await command("configure", '{"receiverQueueSize": 9, "gain": 1.5}');
    assert.equal(configured.statusMessage, "Configuration successful");
    assert.equal(configured.command, "configure");
    assert.equal(configured.consumerId, 7);
    assert.ok((configured.objectTime as number) > 1e9, "the control PV is stamped");
    assert.deepEqual(target.calls.shift(), {
      method: "configure",
      args: { receiverQueueSize: 9, gain: 1.5 },
    });

    const refused = await command("configure", '{"receiverQueueSize": "big"}');
    assert.match(refused.statusMessage as string, /^Configuration failed: receiverQueueSize: /);
    assert.equal(target.calls.length, 0);

    assert.equal((await command("get_stats")).statusMessage, "Stats update successful");
    const after = await readStatus();
    assert.ok((after.objectId as number) > (before.objectId as number), "get_stats refreshed the status PV");
    assert.equal((await command("reset_stats")).statusMessage, "Stats reset successful");
    assert.equal((await command("stop")).statusMessage, "Stop flag set");
    assert.match((await command("pause")).statusMessage as string, /unrecognized command "pause"/);
    assert.deepEqual(target.calls.map((c) => c.method), ["getStats", "resetStats", "stop"]);
  } finally {
    status.close();
    control.close();
    server.close();
  }
}

Deno.test({
  name: "status and control PVs driven by a p4p client",
  ignore: !requirePeers("control PV with p4p"),
}, () => checkPeer("p4p_plan.py"));

Deno.test({
  name: "status and control PVs driven by a pvapy client",
  ignore: !requirePeers("control PV with pvapy"),
}, () => checkPeer("pvapy_plan.py"));
