/**
 * The sandbox side: loads the processor and answers the host's calls, whatever carries the
 * messages (a Worker's postMessage or a child process's pipe).
 *
 * @module
 */
import { applyAdapterPreference, type GpuAdapterPreference } from "./gpu/adapter.ts";
import { loadProcessor } from "./load.ts";
import { errorInfo, type HostRequest, type SandboxReply } from "./messages.ts";
import { asList } from "./outputs.ts";
import type { Processor, ProcessResult } from "./types.ts";

/** Sends one reply to the host. */
export type ReplySender = (reply: SandboxReply) => void;

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof (x as PromiseLike<unknown> | undefined)?.then === "function";
}

/** What the entry module tells the runner. */
export interface RunnerOptions {
  /** The export to use; see `loadProcessor`. */
  className?: string;
  /** The adapter WebGPU prefers, when it is granted. */
  gpuAdapter?: GpuAdapterPreference;
}

/**
 * Loads the processor from its module and returns the handler of host requests; reports
 * `ready` with the processor's declarations, or `failed`. With WebGPU granted, adapters follow
 * the preference from here on and each one handed out is reported (`gpu`).
 */
export function startRunner(
  module: Record<string, unknown>,
  { className, gpuAdapter }: RunnerOptions,
  send: ReplySender,
): ((req: HostRequest) => void) | undefined {
  let processor: Processor;
  try {
    processor = loadProcessor(module, className);
  } catch (e) {
    send({ op: "failed", error: errorInfo(e) });
    return undefined;
  }
  const gpu = (navigator as { gpu?: GPU }).gpu;
  if (gpu) applyAdapterPreference(gpu, gpuAdapter, (adapter) => send({ op: "gpu", adapter }));
  send({
    op: "ready",
    statsTypes: processor.statsTypes ?? {},
    outputType: processor.outputType,
    batch: typeof processor.processBatch === "function",
  });
  const fail = (id: number, e: unknown) => send({ op: "error", id, error: errorInfo(e) });
  const call = (req: HostRequest): unknown => {
    switch (req.op) {
      case "process":
      case "processBatch": {
        const r = req.op === "process" ? processor.process(req.frame) : processor.processBatch!(req.frames);
        // The host checks each output; the sandbox only makes the result a list.
        return isThenable(r) ? Promise.resolve(r).then(asList) : asList(r as ProcessResult);
      }
      case "configure":
        return processor.configure?.(req.args);
      case "stats":
        return processor.stats?.() ?? {};
      case "resetStats":
        return processor.resetStats?.();
      case "stop":
        return processor.stop?.();
    }
  };
  // Calls run one at a time, in order, even when the host sends several and the processor is
  // async: requests arriving while an async call runs wait in `queue`.
  const queue: HostRequest[] = [];
  let busy = false;
  const run = (req: HostRequest): void => {
    let r: unknown;
    try {
      r = call(req);
    } catch (e) {
      return fail(req.id, e);
    }
    // Synchronous processors answer without a microtask turn.
    if (!isThenable(r)) return send({ op: "result", id: req.id, value: r });
    busy = true;
    Promise.resolve(r).then((value) => send({ op: "result", id: req.id, value }), (e) => fail(req.id, e))
      .finally(() => {
        busy = false;
        while (!busy && queue.length > 0) run(queue.shift()!);
      });
  };
  return (req) => busy ? void queue.push(req) : run(req);
}
