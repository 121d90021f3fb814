/**
 * Our status and control PVs have exactly the layout of the real pvapy-hpc-consumer's and
 * pvapy-hpc-collector's (PvaPy 5.6): the same members in the same order with the same types, as a p4p client
 * sees both. The PvaPy tools run with a processor declaring user statistics and one metadata channel, so
 * those blocks are compared too.
 */
import assert from "node:assert/strict";
import { PvaServer } from "../../../protocol/pva/server/mod.ts";
import { ControlPV } from "../../../runtime/control/mod.ts";
import { FrameAccounting, StatsReporter } from "../../../runtime/stats/mod.ts";
import {
  CollectorStatusBuilder,
  ConsumerStatusBuilder,
  type ControlledKind,
  type StatusDocument,
  StatusFeed,
  StatusPV,
} from "../../../runtime/status/mod.ts";
import type { StructureDesc } from "../../../protocol/pvdata/types.ts";
import { loopbackConfig } from "../../interop/hosted.ts";
import { epicsEnv, freePorts, peerPython, requirePeers } from "../../interop/peers.ts";
import { Plan, type StepDoc } from "../../interop/plan.ts";
import { RecordingTarget } from "../control/recording_target.ts";

const PY_DIR = new URL("../../interop/py/", import.meta.url).pathname;

/** Runs a PvaPy tool (from the peers' virtual environment) until disposed. */
function startPvapyTool(name: string, args: string[], env: Record<string, string>): AsyncDisposable {
  const python = peerPython()!;
  const tool = python.replace(/python[0-9.]*$/, name);
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

/** The PvaPy options both tools share here: our stats processor, one metadata channel, no screen. */
const COMMON_ARGS = [
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
];

const USER_STATS = { nFrames: "uint", load: "double", label: "string" } as const;

/**
 * Serves our status PV of `type` (from `build`) and a control PV of `kind`, and compares both with the PvaPy
 * tool's, as p4p reports their types.
 */
async function compareLayouts(
  kind: ControlledKind,
  type: StructureDesc,
  build: () => StatusDocument,
  pvapyEnv: Record<string, string>,
  sourceBlocks: string[],
) {
  const feed = new StatusFeed({ build });
  const server = new PvaServer({ config: loopbackConfig() });
  const status = new StatusPV(type, feed);
  const control = new ControlPV({ kind, id: 1, target: new RecordingTarget() });
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
    const declared = ["userStats", ...sourceBlocks];
    assert.deepEqual(names(theirStatus).slice(-declared.length), declared, "PvaPy declared these blocks");
    assert.deepEqual(ourStatus.type, theirStatus.type);
    assert.deepEqual(ourControl.type, theirControl.type);
  } finally {
    status.close();
    control.close();
    server.close();
  }
}

Deno.test({
  name: "status and control PVs: the layout of pvapy-hpc-consumer's, member for member",
  ignore: !requirePeers("status PV layout against pvapy-hpc-consumer"),
}, async () => {
  const pvapyEnv = epicsEnv(freePorts());
  await using _consumer = startPvapyTool(
    "pvapy-hpc-consumer",
    ["--input-channel", "layout:input", ...COMMON_ARGS],
    pvapyEnv,
  );
  const builder = new ConsumerStatusBuilder({
    consumerId: 1,
    inputChannel: "layout:input",
    userStats: USER_STATS,
    metadataChannels: 1,
  });
  const report = new StatsReporter().report(new FrameAccounting().snapshot());
  await compareLayouts("consumer", builder.type, () => builder.build(report), pvapyEnv, ["metadataStats_1"]);
});

Deno.test({
  name: "status and control PVs: the layout of pvapy-hpc-collector's, member for member",
  ignore: !requirePeers("status PV layout against pvapy-hpc-collector"),
}, async () => {
  const pvapyEnv = epicsEnv(freePorts());
  await using _collector = startPvapyTool(
    "pvapy-hpc-collector",
    ["--input-channel", "layout:*:output", "--producer-id-list", "3,7", ...COMMON_ARGS],
    pvapyEnv,
  );
  const builder = new CollectorStatusBuilder({
    collectorId: 1,
    producerIds: [3, 7],
    userStats: USER_STATS,
    metadataChannels: 1,
  });
  const { processorStats } = new StatsReporter().report(new FrameAccounting().snapshot());
  const source = {
    producerId: 3,
    channel: "layout:3:output",
    receiverStats: {
      nReceived: 0,
      receivedRate: 0,
      nRejected: 0,
      rejectedRate: 0,
      nOverruns: 0,
      overrunRate: 0,
    },
    queueStats: { nReceived: 0, nRejected: 0, nDelivered: 0, nQueued: 0 },
  };
  const collectorStats = {
    nCollected: 0,
    collectedRate: 0,
    nRejected: 0,
    rejectedRate: 0,
    nMissed: 0,
    missedRate: 0,
    nCached: 0,
  };
  const build = () => builder.build({ collectorStats, processorStats, producerStats: [source, source] });
  await compareLayouts("collector", builder.type, build, pvapyEnv, [
    "producerStats_3",
    "producerStats_7",
    "metadataStats_1",
  ]);
});
