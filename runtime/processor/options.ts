/**
 * The `--processor-*` command-line options, for the consumer's and collector's parsers
 * (`node:util` parseArgs), and their translation into {@link ProcessorHostOptions}.
 *
 * @module
 */
import { isCompiledBinary } from "../cli/compiled.ts";
import { ProcessorError } from "./errors.ts";
import type { Isolation, ProcessorHostOptions } from "./host.ts";
import { parsePermissions } from "./permissions.ts";
import type { ProcessorArgs } from "./types.ts";

/** The options, in `parseArgs` form; spread them into a tool's own option table. */
export const PROCESSOR_CLI_OPTIONS = {
  "processor-file": { type: "string" },
  "processor-class": { type: "string" },
  "processor-args": { type: "string" },
  "processor-permissions": { type: "string", multiple: true },
  "processor-isolation": { type: "string" },
  "processor-memory-mb": { type: "string" },
  "processor-time-limit": { type: "string" },
} as const;

/** The option values as `parseArgs` returns them. */
export interface ProcessorCliValues {
  /** Path or URL of the processor module. */
  "processor-file"?: string;
  /** The export to use. */
  "processor-class"?: string;
  /** JSON object handed to `configure`. */
  "processor-args"?: string;
  /** Grants, see `parsePermissions`. */
  "processor-permissions"?: string[];
  /** `worker` (default) or `process`. */
  "processor-isolation"?: string;
  /** Heap limit of the child process in MiB. */
  "processor-memory-mb"?: string;
  /** Time limit per call in seconds. */
  "processor-time-limit"?: string;
}

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0)) throw new ProcessorError("load", `--${name}: expected a positive number, got "${text}"`);
  return n;
}

/**
 * Host options from the command-line values; the user's `--processor-args` JSON is merged over
 * nothing else here: the tool adds the system keys (processorId, inputChannel, ...).
 * @param v the values `parseArgs` returned for {@link PROCESSOR_CLI_OPTIONS}
 * @param cwd the directory relative grant paths start from
 * @throws {ProcessorError} (kind "load") naming the option that is wrong
 * @example
 * ```ts
 * import { processorHostOptions } from "./options.ts";
 * const o = processorHostOptions({
 *   "processor-file": "processors/passthrough.ts",
 *   "processor-args": '{"threshold": 3}',
 *   "processor-permissions": ["read=/data"],
 * });
 * [o.args, o.permissions?.read, o.isolation]; // [{ threshold: 3 }, ["/data"], "worker"]
 * ```
 */
export function processorHostOptions(v: ProcessorCliValues, cwd: string = Deno.cwd()): ProcessorHostOptions {
  const file = v["processor-file"];
  if (!file) throw new ProcessorError("load", "--processor-file is required");
  let args: ProcessorArgs = {};
  if (v["processor-args"] !== undefined) {
    try {
      args = JSON.parse(v["processor-args"]);
    } catch (e) {
      throw new ProcessorError("load", `--processor-args: not JSON (${(e as Error).message})`);
    }
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
      throw new ProcessorError("load", "--processor-args: expected a JSON object");
    }
  }
  const isolation = v["processor-isolation"] ?? "worker";
  if (isolation !== "worker" && isolation !== "process") {
    throw new ProcessorError("load", `--processor-isolation: expected worker or process, got "${isolation}"`);
  }
  if (isolation === "process" && isCompiledBinary()) {
    // The child would need `deno` and our source files, which a binary carries only inside itself.
    throw new ProcessorError(
      "load",
      "--processor-isolation process needs deno and the pvastream sources; a compiled binary runs processors in worker isolation",
    );
  }
  const memoryMb = positive("processor-memory-mb", v["processor-memory-mb"]);
  if (memoryMb !== undefined && isolation !== "process") {
    throw new ProcessorError("load", "--processor-memory-mb needs --processor-isolation process");
  }
  const seconds = positive("processor-time-limit", v["processor-time-limit"]);
  return {
    file,
    className: v["processor-class"],
    args,
    permissions: parsePermissions(v["processor-permissions"] ?? [], cwd),
    isolation: isolation as Isolation,
    memoryMb,
    timeLimitMs: seconds === undefined ? undefined : seconds * 1000,
  };
}
