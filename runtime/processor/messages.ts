/**
 * The messages between a processor host and its sandbox (Worker or child process), and the
 * pixel buffers each one carries out of band: transferred by postMessage, or written raw after
 * the message in process isolation.
 *
 * @module
 */
import { LOG_LEVELS, type LogLevel } from "../../protocol/log.ts";
import { isFrame } from "./frame.ts";
import { type GpuAdapterSummary, isAdapterSummary } from "./gpu/adapter.ts";
import type { Frame, Output, OutputType, ProcessorArgs, StatsDeclaration } from "./types.ts";

/** A call from the host; `id` pairs it with its reply. */
export type HostRequest =
  | { id: number; op: "configure"; args: ProcessorArgs }
  | { id: number; op: "process"; frame: Frame }
  | { id: number; op: "processBatch"; frames: Frame[] }
  | { id: number; op: "stats" | "resetStats" | "stop" };

/** An error as it crosses the boundary. */
export interface ErrorInfo {
  /** The thrown error's name (`NotCapable` for a denied permission). */
  name: string;
  /** Its message. */
  message: string;
}

/**
 * What the sandbox sends: the processor's declarations once loaded (`batch`: it has
 * `processBatch`), a call's result, a line the processor logged, or the WebGPU adapter it obtained.
 */
export type SandboxReply =
  | { op: "ready"; statsTypes: StatsDeclaration; outputType?: OutputType; batch?: boolean }
  | { op: "failed"; error: ErrorInfo }
  | { op: "result"; id: number; value: unknown }
  | { op: "error"; id: number; error: ErrorInfo }
  | { op: "log"; level: LogLevel; line: string }
  | { op: "gpu"; adapter: GpuAdapterSummary };

/**
 * True for a well-formed reply. Replies come from the processor's side, where its code can post
 * anything: a malformed one ends that sandbox, never the host.
 */
export function isSandboxReply(x: unknown): x is SandboxReply {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Record<string, unknown>;
  const isError = (e: unknown) =>
    typeof e === "object" && e !== null && typeof (e as ErrorInfo).name === "string" &&
    typeof (e as ErrorInfo).message === "string";
  switch (r.op) {
    case "ready":
      return typeof r.statsTypes === "object" && r.statsTypes !== null;
    case "failed":
      return isError(r.error);
    case "result":
      return typeof r.id === "number";
    case "error":
      return typeof r.id === "number" && isError(r.error);
    case "log":
      return LOG_LEVELS.includes(r.level as LogLevel) && typeof r.line === "string";
    case "gpu":
      return isAdapterSummary(r.adapter);
  }
  return false;
}

/** The frames a message carries: the request's frame or frames, or the frames among a result's outputs. */
export function carriedFrames(m: HostRequest | SandboxReply): Frame[] {
  if ("frame" in m) return [m.frame];
  if ("frames" in m) return m.frames;
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
