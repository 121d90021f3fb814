/**
 * How often a frame's array arrives misaligned and costs our client a copy, per server
 * (ours, p4p, pvapy) and element type. Run: deno run -A bench/frame_alignment.ts
 * (BENCH_FRAMES=N frames per case, default 40; BENCH_SIDE=S for S×S frames, default 512).
 */
import { peerPython } from "../tests/interop/peers.ts";
import { type FramePeer, type FrameType, sampleFrames, startFrameSource } from "./support/frame_sources.ts";

const FRAMES = Number(Deno.env.get("BENCH_FRAMES") ?? 40);
const SIDE = Number(Deno.env.get("BENCH_SIDE") ?? 512);
const python = peerPython();
const peers: FramePeer[] = python ? ["ours", "p4p", "pvapy"] : ["ours"];
const rows = [];
for (const peer of peers) {
  for (const type of ["uint8", "uint16", "float32"] as FrameType[]) {
    const source = await startFrameSource(peer, type, SIDE, python ?? undefined);
    try {
      const s = await sampleFrames(source.port, FRAMES);
      rows.push({
        server: peer,
        type,
        frames: s.views + s.copies,
        copied: s.copies,
        "offsets (views)": s.offsets.join(" "),
      });
    } finally {
      await source.stop();
    }
  }
}
console.table(rows);
