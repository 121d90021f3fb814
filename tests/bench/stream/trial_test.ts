/**
 * A trial end to end at a rate any machine holds: small frames from each simulator to each
 * consumer, every frame accounted for, the processes measured and gone afterwards.
 */
import assert from "node:assert/strict";
import { type FrameSize, type Pipeline, PIPELINES } from "../../../bench/stream/cases.ts";
import { LoopbackNetwork } from "../../../bench/stream/network.ts";
import { runTrial } from "../../../bench/stream/trial.ts";
import { requirePeers } from "../../interop/peers.ts";

const SMALL: FrameSize = { label: "64x64 uint8", nx: 64, ny: 64, dtype: "uint8", bytes: 4096 };
const IGNORE = !requirePeers("bench:stream trials");

async function holds(pipeline: Pipeline, consumers: number): Promise<void> {
  const net = await LoopbackNetwork.start();
  try {
    const r = await runTrial(net, { pipeline, size: SMALL, consumers, rate: 20, window: 2, startDelay: 12 });
    assert.equal(r.held, true, r.reason);
    assert.ok(r.published >= 40 && r.published <= 42, `published ${r.published}`);
    assert.equal(r.processed, r.published);
    assert.equal(r.missed, 0);
    assert.ok(r.consumerCpuPerFrame > 0 && r.consumerCpuPerFrame < 0.1, `cpu ${r.consumerCpuPerFrame}`);
    assert.ok(r.consumerRssBytes > 10 * 2 ** 20, `rss ${r.consumerRssBytes}`);
  } finally {
    await net.close();
  }
}

for (const id of ["A", "B"] as const) {
  const pipeline = PIPELINES.find((p) => p.id === id)!;
  Deno.test(
    { name: `${pipeline.description}: 2 s at 20 frames/s hold, every frame counted`, ignore: IGNORE },
    () => holds(pipeline, id === "B" ? 2 : 1),
  );
}
