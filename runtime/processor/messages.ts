/**
 * The messages between a processor host and its sandbox (Worker or child process), and the
 * pixel buffers each one carries out of band: transferred by postMessage, or written raw after
 * the message in process isolation.
 *
 * @module
 */
import { isFrame } from "./frame.ts";
import type { Frame, Output, OutputType, ProcessorArgs, StatsDeclaration } from "./types.ts";

/** A call from the host; `id` pairs it with its reply. */
export type HostRequest =
  | { id: number; op: "configure"; args: ProcessorArgs }
  | { id: number; op: "process"; frame: Frame }
  | { id: number; op: "stats" | "resetStats" | "stop" };

/** An error as it crosses the boundary. */
export interface ErrorInfo {
  /** The thrown error's name (`NotCapable` for a denied permission). */
  name: string;
  /** Its message. */
  message: string;
}

/** What the sandbox sends: the processor's declarations once loaded, or a call's result. */
export type SandboxReply =
  | { op: "ready"; statsTypes: StatsDeclaration; outputType?: OutputType }
  | { op: "failed"; error: ErrorInfo }
  | { op: "result"; id: number; value: unknown }
  | { op: "error"; id: number; error: ErrorInfo };

/** The frames a message carries: the request's frame, or the frames among a result's outputs. */
export function carriedFrames(m: HostRequest | SandboxReply): Frame[] {
  if ("frame" in m) return [m.frame];
  if (m.op === "result" && Array.isArray(m.value)) return (m.value as Output[]).filter(isFrame);
  return [];
}

/**
 * The distinct buffers under the carried frames, for a postMessage transfer list (a buffer
 * listed twice is an error; a SharedArrayBuffer is shared, not moved).
 */
export function transferList(m: HostRequest | SandboxReply): ArrayBuffer[] {
  const frames = carriedFrames(m);
  if (frames.length === 1) {
    const b = frames[0].data.buffer;
    return b instanceof ArrayBuffer ? [b] : [];
  }
  const out = new Set<ArrayBuffer>();
  for (const f of frames) if (f.data.buffer instanceof ArrayBuffer) out.add(f.data.buffer);
  return [...out];
}

/** An error of any kind as {@link ErrorInfo}. */
export function errorInfo(e: unknown): ErrorInfo {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: "Error", message: String(e) };
}
