/**
 * What the metadata end-to-end tests share: a simulator with `--metadata-pv` channels on the test's
 * server, held back until every monitor runs, and kept up after its last frame while the test looks.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { PvaServer } from "../../../protocol/pva/server/server.ts";
import { Simulator } from "../../../runtime/simulator/mod.ts";
import { until } from "../consumer/harness.ts";

/** The frames channel of {@link metadataSimulator} (the consumer harness's input channel). */
export const FRAMES_CHANNEL = "det:image";

/**
 * A started simulator publishing 8x8 frames on {@link FRAMES_CHANNEL} with the metadata PVs
 * `channels`, at `frameRate` for `runtime` seconds, after a start delay long enough for the
 * consumers' monitors to run; the channels stay up a minute after the last frame (stop it).
 */
export async function metadataSimulator(
  server: PvaServer,
  channels: readonly string[],
  { frameRate, runtime }: { frameRate: number; runtime: number },
): Promise<Simulator> {
  const sim = new Simulator({
    server,
    channelName: FRAMES_CHANNEL,
    metadataPv: channels.map((n) => `pva://${n}`).join(","),
    nx: 8,
    ny: 8,
    frameRate,
    runtime,
    startDelay: 5,
    shutdownDelay: 60,
    reportPeriod: 0,
  });
  await sim.start();
  return sim;
}

/** Waits until the frames and every metadata channel have `consumers` running monitors, before any frame. */
export async function monitorsRunning(
  server: PvaServer,
  sim: Simulator,
  channels: readonly string[],
  consumers: number,
): Promise<void> {
  const running = (name: string) =>
    server.getPV(name)?.subscribers().filter((s) => s.running).length === consumers;
  await until("the frame and metadata monitors", () => [FRAMES_CHANNEL, ...channels].every(running), 20_000);
  assert.equal(sim.stats().framesPublished, 0, "every monitor ran before the first frame");
}

/** Waits for the simulator's last frame; resolves to the number published. */
export async function lastFrame(sim: Simulator): Promise<number> {
  await until("publishing ended", () => sim.stats().state === "draining", 30_000);
  return sim.stats().framesPublished;
}
