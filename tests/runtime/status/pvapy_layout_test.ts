/**
 * Our status and control PVs have exactly the layout of the real pvapy-hpc-consumer's (PvaPy 5.6): the
 * same members in the same order with the same types, as a p4p client sees both. The PvaPy consumer runs
 * with a processor declaring user statistics and one metadata channel, so those blocks are compared too.
 */
import assert from "node:assert/strict";
import { PvaServer } from "../../../protocol/pva/server/mod.ts";
import { ControlPV } from "../../../runtime/control/mod.ts";
import { FrameAccounting, StatsReporter } from "../../../runtime/stats/mod.ts";
import { ConsumerStatusBuilder, StatusFeed, StatusPV } from "../../../runtime/status/mod.ts";
import { loopbackConfig } from "../../interop/hosted.ts";
import { epicsEnv, freePorts, peerPython, requirePeers } from "../../interop/peers.ts";
import { Plan, type StepDoc } from "../../interop/plan.ts";
import { RecordingTarget } from "../control/recording_target.ts";

const PY_DIR = new URL("../../interop/py/", import.meta.url).pathname;

/** Runs pvapy-hpc-consumer (from the peers' virtual environment) until disposed. */
function startPvapyConsumer(args: string[], env: Record<string, string>): AsyncDisposable {
  const python = peerPython()!;
  const tool = python.replace(/python[0-9.]*$/, "pvapy-hpc-consumer");
  const child = new Deno.Command(python, {
    args: [tool, ...args],
    env: { ...env, PYTHONPATH: PY_DIR },
    stdout: "null",
    stderr: "null",
  }).spawn();
  return {
    async [Symbol.asyncDispose]() {
      child.kill("SIGKILL");
      await child.status;
    },
  };
}

/** Retries an info step until the peer's PV answers (PvaPy takes a few seconds to start). */
async function infoOnceUp(plan: Plan, pv: string): Promise<StepDoc> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await plan.run({ op: "info", pv, timeout: 2 });
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}

Deno.test({
  name: "status and control PVs: the layout of pvapy-hpc-consumer's, member for member",
  ignore: !requirePeers("status PV layout against pvapy-hpc-consumer"),
}, async () => {
  const pvapyEnv = epicsEnv(freePorts());
  await using _consumer = startPvapyConsumer([
    "--input-channel",
    "layout:input",
    "--status-channel",
    "layout:status",
    "--control-channel",
    "layout:control",
    "--processor-file",
    `${PY_DIR}stats_processor.py`,
    "--processor-class",
    "StatsProcessor",
    "--metadata-channels",
    "pva://layout:meta",
    "--report-period",
    "1",
    "--runtime",
    "60",
    "--disable-curses",
  ], pvapyEnv);

  const builder = new ConsumerStatusBuilder({
    consumerId: 1,
    inputChannel: "layout:input",
    userStats: { nFrames: "uint32", load: "float64", label: "string" },
    metadataChannels: 1,
  });
  const accounting = new FrameAccounting();
  const reporter = new StatsReporter();
  const feed = new StatusFeed({ build: () => builder.build(reporter.report(accounting.snapshot())) });
  const server = new PvaServer({ config: loopbackConfig() });
  const status = new StatusPV(builder.type, feed);
  const control = new ControlPV({ kind: "consumer", id: 1, target: new RecordingTarget() });
  server.addPV("ours:status", status.pv);
  server.addPV("ours:control", control.pv);
  await server.start();
  const ours = epicsEnv({ tcp: server.tcpPort, udp: server.udpPort });
  try {
    await using plan = await Plan.start("p4p_plan.py", pvapyEnv);
    const theirStatus = await infoOnceUp(plan, "layout:status");
    const theirControl = await plan.run({ op: "info", pv: "layout:control" });
    const ourStatus = await plan.run({ op: "info", pv: "ours:status", conf: ours });
    const ourControl = await plan.run({ op: "info", pv: "ours:control", conf: ours });
    const names = (doc: StepDoc) => (doc.type as [string, string, [string, unknown][]])[2].map(([n]) => n);
    assert.deepEqual(names(theirStatus).slice(-2), ["userStats", "metadataStats_1"], "PvaPy declared both");
    assert.deepEqual(ourStatus.type, theirStatus.type);
    assert.deepEqual(ourControl.type, theirControl.type);
  } finally {
    status.close();
    control.close();
    server.close();
  }
});
