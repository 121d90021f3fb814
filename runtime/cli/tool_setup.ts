/**
 * What the consumer and collector tools set up the same way from their shared options: how their
 * processor runs (the logger comes from log_options.ts).
 *
 * @module
 */
import { parsePermissions, type ProcessorHostOptions } from "../processor/mod.ts";
import type { SystemOptions } from "./system_options.ts";

/** The processor a tool runs without `--processor-file`. */
export const PASSTHROUGH_PROCESSOR: string = new URL("../../processors/passthrough.ts", import.meta.url).href;

/**
 * How the processor runs, from the `--processor-*` options (the tool adds its arguments).
 * @param opts the processor options
 * @param cwd where relative grant paths start
 */
export function processorSettings(
  opts: Pick<
    SystemOptions,
    | "processorFile"
    | "processorClass"
    | "processorPermissions"
    | "processorIsolation"
    | "processorMemoryMb"
    | "processorTimeLimit"
    | "gpuAdapter"
  >,
  cwd: string = Deno.cwd(),
): Omit<ProcessorHostOptions, "args" | "logger" | "onEvent"> {
  return {
    file: opts.processorFile ?? PASSTHROUGH_PROCESSOR,
    className: opts.processorClass,
    permissions: parsePermissions(opts.processorPermissions, cwd),
    isolation: opts.processorIsolation,
    memoryMb: opts.processorIsolation === "process" ? opts.processorMemoryMb : undefined,
    timeLimitMs: opts.processorTimeLimit * 1000,
    gpuAdapter: opts.gpuAdapter,
  };
}
