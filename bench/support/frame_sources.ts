/**
 * NTNDArray frame sources for the alignment measurement and test: our server in this
 * process, or p4p or pvapy through bench/py/frame_source.py; and a sampler that counts how
 * many frames our client decoded as a view onto the received bytes and how many it copied.
 * @module
 */
import { ntNDArray } from "../../protocol/nt/mod.ts";
import { type MonitorData, PvaClient } from "../../protocol/pva/client/mod.ts";
import { loopbackConfig } from "../../protocol/pva/config.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { SharedPV } from "../../protocol/pva/server/shared_pv.ts";
import { NDARRAY_MEMBERS } from "../../protocol/nt/ndarray.ts";
import { bitOf, expandBits } from "../../protocol/pvdata/partial.ts";

/** Element types measured. */
export type FrameType = "uint8" | "uint16" | "float32";
/** Who serves the frames. */
export type FramePeer = "ours" | "p4p" | "pvapy";

const ARRAYS = { uint8: Uint8Array, uint16: Uint16Array, float32: Float32Array };

/** A running source of `bench:frames`. */
export interface FrameSource {
  /** Its TCP port on 127.0.0.1. */
  port: number;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts a source posting a new frame of `side`² elements every 5 ms. */
export async function startFrameSource(
  peer: FramePeer,
  type: FrameType,
  side: number,
  python?: string,
): Promise<FrameSource> {
  if (peer === "ours") return await ourSource(type, side);
  if (!python) throw new Error(`${peer} frames need a Python with p4p and pvapy`);
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  const script = new URL("../py/frame_source.py", import.meta.url).pathname;
  const child = new Deno.Command(python, {
    args: [script, peer, type, String(side), String(port)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("READY")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`frame_source.py ${peer} exited before READY`);
    text += value;
  }
  return {
    port,
    stop: async () => {
      reader.cancel().catch(() => {});
      await child.stdin.close().catch(() => {});
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await child.status;
    },
  };
}

async function ourSource(type: FrameType, side: number): Promise<FrameSource> {
  const frames = [1, 2].map((k) => new ARRAYS[type](side * side).fill(k));
  const pv = new SharedPV();
  pv.open(ntNDArray({ data: frames[0], dims: [side, side], uniqueId: 0 }));
  const server = new PvaServer({ tcpOnly: true, config: loopbackConfig() });
  server.addPV("bench:frames", pv);
  await server.start();
  let id = 0;
  const timer = setInterval(() => {
    id++;
    pv.post({ value: { name: NDARRAY_MEMBERS[type], value: frames[id & 1] }, uniqueId: id });
  }, 5);
  return {
    port: server.tcpPort,
    stop: () => {
      clearInterval(timer);
      server.close();
      return Promise.resolve();
    },
  };
}

/** How the frames of one run arrived. */
export interface FrameSample {
  /** Frames whose array is a view onto the received message (no copy). */
  views: number;
  /** Frames whose array had to be copied (misaligned). */
  copies: number;
  /** The positions (0-based, in arrival order) of the copied frames. */
  copiedAt: number[];
  /** Distinct offsets of the array within its message payload, where known (views). */
  offsets: number[];
}

/**
 * Whether a decoded array is a view onto its message: a copy owns a buffer of exactly its
 * own size, a view sits inside the larger payload buffer.
 */
export function isViewOntoMessage(a: ArrayBufferView): boolean {
  return a.buffer.byteLength > a.byteLength;
}

/** The frame array of an NTNDArray data event. */
export function frameArray(ev: MonitorData): ArrayBufferView {
  return (ev.value.value as { value: ArrayBufferView }).value;
}

/** Monitors `bench:frames` on `port` for `n` updates that carry the frame array. */
export async function sampleFrames(port: number, n: number): Promise<FrameSample> {
  const client = new PvaClient({ config: loopbackConfig({ nameServers: [`127.0.0.1:${port}`] }) });
  const sample: FrameSample = { views: 0, copies: 0, copiedAt: [], offsets: [] };
  const offsets = new Set<number>();
  const sub = client.monitor("bench:frames", { signal: AbortSignal.timeout(30_000) });
  try {
    for await (const ev of sub) {
      if (ev.kind !== "data") continue;
      // Updates that do not carry the array repeat the last one: count each frame once.
      if (!expandBits(ev.type, ev.changed).has(bitOf(ev.type, "value"))) continue;
      const a = frameArray(ev);
      if (isViewOntoMessage(a)) {
        sample.views++;
        offsets.add(a.byteOffset);
      } else sample.copiedAt.push(sample.views + sample.copies++);
      if (sample.views + sample.copies >= n) break;
    }
  } finally {
    sub.close();
    client.close();
  }
  sample.offsets = [...offsets].sort((a, b) => a - b);
  return sample;
}
