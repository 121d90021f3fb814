/**
 * Case E, the ceiling: raw loopback TCP between Deno processes, messages of the frame's size
 * streamed as fast as the socket takes them (bench/support/raw_source.ts) to one receiving
 * process per consumer (raw_sink.ts).
 *
 * @module
 */
import { denoScript, spawnTool } from "./tools.ts";

/** What the raw stream moved, summed over the receivers. */
export interface RawRate {
  /** Messages (frames) per second. */
  framesPerSecond: number;
  /** Bytes per second. */
  bytesPerSecond: number;
}

/** Streams `bytes`-sized messages to `receivers` processes for `seconds` (after a warm-up). */
export async function measureRaw(bytes: number, receivers: number, seconds: number): Promise<RawRate> {
  const source = spawnTool(...denoScript("bench/support/raw_source.ts", [String(bytes)]), {});
  try {
    const port = (await source.waitFor(/READY (\d+)/, 30_000))[1];
    const sinks = Array.from(
      { length: receivers },
      () => spawnTool(...denoScript("bench/stream/raw_sink.ts", [port, String(seconds), "0.5"]), {}),
    );
    const texts = await Promise.all(sinks.map(async (s) => (await s.exited, s.output())));
    const counts = texts.map((t) =>
      JSON.parse(t.trim().split("\n").pop()!) as { messages: number; bytes: number }
    );
    const sum = (k: "messages" | "bytes") => counts.reduce((s, c) => s + c[k], 0);
    return { framesPerSecond: sum("messages") / seconds, bytesPerSecond: sum("bytes") / seconds };
  } finally {
    await source.stop();
  }
}
