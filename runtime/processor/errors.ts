/**
 * The errors of the processor runtime, one class per cause so that a consumer can count and
 * report them apart.
 *
 * @module
 */

/** Why a processor call failed. */
export type ProcessorErrorKind =
  | "load" // the module or the export could not be loaded
  | "stats" // a statistic does not match its declared type
  | "output" // an output is malformed or of another type than the channel's
  | "timeout" // a call took longer than the time limit
  | "crash" // the sandbox died (memory exhausted, killed)
  | "thrown" // the processor threw
  | "stopped"; // the host was stopped

/**
 * A processor call that failed, with the cause as a kind. An error the processor threw keeps
 * its own name (e.g. `NotCapable` for a denied permission) in {@link ProcessorError.errorName}.
 *
 * @example
 * ```ts
 * import { ProcessorError } from "./errors.ts";
 * const e = new ProcessorError("stats", "stats key nPeaks: expected uint, got -1", { key: "nPeaks" });
 * e.key; // "nPeaks"
 * ```
 */
export class ProcessorError extends Error {
  /** The cause. */
  readonly kind: ProcessorErrorKind;
  /** Name of the error the processor threw (kind "thrown"), else this class's name. */
  readonly errorName: string;
  /** The statistic at fault (kind "stats"). */
  readonly key?: string;

  /**
   * Names the cause.
   * @param kind the cause
   * @param message what happened
   * @param details the thrown error's name, the statistic at fault
   */
  constructor(kind: ProcessorErrorKind, message: string, details: { errorName?: string; key?: string } = {}) {
    super(message);
    this.name = "ProcessorError";
    this.kind = kind;
    this.errorName = details.errorName ?? this.name;
    if (details.key !== undefined) this.key = details.key;
  }
}
