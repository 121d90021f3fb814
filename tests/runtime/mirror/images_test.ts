/**
 * The image cross-tests: pvapy-mirror-server mirroring our simulator, and our mirror mirroring
 * pvapy-ad-sim-server, with our client reading every frame through the mirror (pixels identical, ids
 * consecutive) and each mirror's counters exact (the first value and every frame, no overrun).
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { configFromEnv, loopbackConfig, PvaClient, type Subscription } from "../../../mod.ts";
import { MirrorServer, parseChannelMap } from "../../../runtime/mirror/mod.ts";
import { generatedFrames } from "../../../runtime/simulator/generated.ts";
import { Simulator } from "../../../runtime/simulator/mod.ts";
import { epicsEnv, freePorts, peerPython, requirePeers } from "../../interop/peers.ts";
import { nextEventOrEnd } from "../../support/monitor_events.ts";
import { until } from "../../ca/helpers.ts";
import { finalCounters, pvapyMirror } from "./pvapy_mirror.ts";

const IGNORE = !requirePeers("mirrors of the simulators");

/**
 * The frames of `sub` by uniqueId until it reports a disconnect or the server ends it (PvaPy's
 * mirror does either when its source goes away); none may carry an overrun.
 */
async function frames(sub: Subscription): Promise<Map<number, unknown>> {
  const out = new Map<number, unknown>();
  for (;;) {
    const ev = await nextEventOrEnd(sub, 20_000);
    if (ev === undefined || ev.kind === "disconnected") return out;
    if (ev.kind !== "data") continue;
    const id = ev.value.uniqueId as number;
    assert.ok(ev.overrun.isEmpty(), `${sub.name}: overrun at frame ${id}`);
    if (id > 0) out.set(id, (ev.value.value as { value: unknown }).value);
  }
}

/** Asserts that `ids` are `1..last`. */
function assertAll(ids: Iterable<number>, last: number, what: string): void {
  assert.deepEqual([...ids], Array.from({ length: last }, (_, i) => i + 1), what);
}

Deno.test({
  name: "pvapy-mirror-server mirrors our simulator: every frame, identical pixels",
  ignore: IGNORE,
}, async () => {
  const env = epicsEnv(freePorts());
  const settings = {
    nx: 16,
    ny: 8,
    nFrames: 4,
    datatype: "uint8",
    colorMode: 0,
    minimum: 0,
    maximum: 255,
  } as const;
  // Our simulator's server is on the broadcast port: it also forwards searches to PvaPy's.
  const sim = new Simulator({
    ...settings,
    channelName: "sim:img",
    frameRate: 50,
    runtime: 1,
    startDelay: 5,
    shutdownDelay: 2,
    reportPeriod: 0,
    config: configFromEnv(env),
  });
  await sim.start();
  const pvapy = pvapyMirror("(pm:img,sim:img)", env);
  const client = new PvaClient({ config: configFromEnv(env) });
  let output = "";
  try {
    // PvaPy never pipelines; pvAccessCPP's pipelined updates carry an empty change set.
    const sub = client.monitor("pm:img", { queueSize: 64, pipeline: false });
    // It ends with a disconnect: PvaPy drops its mirror when our simulator closes after its shutdown delay.
    const [stats, received] = await Promise.all([sim.finished, frames(sub)]);
    const last = stats.framesPublished;
    assert.equal(stats.notDeliveredNoSubscriber, 0, "PvaPy's mirror was subscribed before the first frame");
    assertAll(received.keys(), last, "every frame through PvaPy's mirror");
    const expected = generatedFrames({ ...settings, count: 4 });
    for (const [id, pixels] of received) {
      assert.deepEqual(pixels, expected.frame((id - 1) % 4).data, `frame ${id}: identical pixels`);
    }
    sub.close();
  } finally {
    await client.close();
    await sim.stop();
    output = await pvapy.stop();
  }
  const { framesPublished } = await sim.finished;
  assert.deepEqual(finalCounters(output, "pm:img"), { nReceived: framesPublished + 1, nOverruns: 0 }, output);
});

Deno.test(
  { name: "our mirror of pvapy-ad-sim-server: every frame, identical pixels", ignore: IGNORE },
  async () => {
    const env = epicsEnv(freePorts());
    // Our mirror's server is on the broadcast port: it forwards its own client's searches to PvaPy's.
    const mirror = new MirrorServer({
      channels: parseChannelMap("(m:img,psim:img)"),
      config: configFromEnv({ ...env, EPICS_PVAS_SERVER_PORT: String(freePorts().tcp) }),
    });
    await mirror.start();
    const bin = `${dirname(peerPython()!)}/pvapy-ad-sim-server`;
    const sim = new Deno.Command(bin, {
      args: [
        "-cn",
        "psim:img",
        "-fps",
        "50",
        "-nx",
        "16",
        "-ny",
        "8",
        "-nf",
        "4",
        "-rt",
        "1",
        "-std",
        "5",
        "-shd",
        "3",
        "-dc",
      ],
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const direct = new PvaClient({ config: configFromEnv(env) });
    const client = new PvaClient({
      config: loopbackConfig({ nameServers: [`127.0.0.1:${mirror.server.tcpPort}`] }),
    });
    try {
      await until(() => mirror.stats()[0].connected, 15_000, "our mirror to reach pvapy-ad-sim-server");
      const original = direct.monitor("psim:img", { queueSize: 64, pipeline: false });
      const mirrored = client.monitor("m:img", { queueSize: 64 });
      // Both end with a disconnect when pvapy-ad-sim-server exits after its shutdown delay.
      const [fromSource, fromMirror, out] = await Promise.all([frames(original), frames(mirrored), sim]);
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      const last = Math.max(...fromSource.keys());
      assert.ok(last >= 40, `${last} frames in 1 s at 50 frames/s`);
      assertAll(fromSource.keys(), last, "every frame from the source");
      assertAll(fromMirror.keys(), last, "every frame through our mirror");
      assert.deepEqual(fromMirror, fromSource, "identical pixels");
      const stats = mirror.stats()[0];
      assert.deepEqual(
        [stats.nReceived, stats.nOverruns],
        [last + 1, 0],
        "the first (empty) value and every frame",
      );
      original.close();
      mirrored.close();
    } finally {
      await direct.close();
      await client.close();
      await mirror.stop();
    }
  },
);
