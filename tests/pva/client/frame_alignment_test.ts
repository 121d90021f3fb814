/**
 * Frames arrive as views onto the received bytes (no copy) once the subscription has learnt
 * where to place their payloads: float32 and uint16 NTNDArray frames from our server and from
 * p4p, whose arrays lie at offsets that are not multiples of their element size.
 */
import assert from "node:assert/strict";
import {
  type FramePeer,
  type FrameType,
  sampleFrames,
  startFrameSource,
} from "../../../bench/support/frame_sources.ts";
import { peerPython } from "../../interop/peers.ts";
import { IGNORE_P4P } from "./p4p_peer.ts";

const FRAMES = 16;

async function checkViews(peer: FramePeer, type: FrameType): Promise<void> {
  const source = await startFrameSource(peer, type, 256, peerPython() ?? undefined);
  try {
    const s = await sampleFrames(source.port, FRAMES);
    assert.equal(s.views + s.copies, FRAMES);
    // Learning costs at most element size - 1 copies per kind of update (the first, full
    // update and the later partial ones differ).
    assert.ok(s.copies <= 6, `${peer} ${type}: copied ${s.copiedAt}`);
    assert.ok(s.copiedAt.every((i) => i < FRAMES / 2), `${peer} ${type}: still copying at ${s.copiedAt}`);
    assert.ok(s.offsets.every((o) => o % (type === "uint16" ? 2 : 4) === 0));
  } finally {
    await source.stop();
  }
}

for (const type of ["float32", "uint16"] as const) {
  Deno.test(`${type} frames from our server arrive as views after learning`, () => checkViews("ours", type));
  Deno.test({
    name: `${type} frames from p4p arrive as views after learning`,
    ignore: IGNORE_P4P,
    fn: () => checkViews("p4p", type),
  });
}
