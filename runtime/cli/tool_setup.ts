/**
 * What the consumer and collector tools set up the same way from their shared options: the logger
 * (level, format, optional file) and how their processor runs.
 *
 * @module
 */
import { createLogger, type Logger } from "../../protocol/log.ts";
import { parsePermissions, type ProcessorHostOptions } from "../processor/mod.ts";
import type { SystemOptions } from "./system_options.ts";

/** The processor a tool runs without `--processor-file`. */
export const PASSTHROUGH_PROCESSOR: string = new URL("../../processors/passthrough.ts", import.meta.url).href;

/**
 * The tool's logger: standard error, or appended to `--log-file`.
 * @param opts the log options
 * @param name the logger's name (the tool)
 */
export async function toolLogger(
  opts: Pick<SystemOptions, "logLevel" | "logFile" | "logFormat">,
  name: string,
): Promise<Logger> {
  const { logLevel: level, logFormat: format } = opts;
  if (!opts.logFile) return createLogger({ level, format, name });
  const file = await Deno.open(opts.logFile, { append: true, create: true });
  const encoder = new TextEncoder();
  return createLogger({ level, format, name, write: (line) => file.writeSync(encoder.encode(`${line}\n`)) });
}

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
  };
}
