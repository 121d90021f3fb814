/**
 * What a controlled object (consumer, collector, simulator) implements so that the control PV and the
 * HTTP API can drive it.
 *
 * @module
 */
import type { ConfigureArgs } from "./configure_args.ts";

/** The four commands of PvaPy's control channel, as methods. */
export interface ControlTarget {
  /**
   * Applies a runtime configuration (already validated); the whole object also goes to the processor.
   * Throw to refuse it: the message becomes "Configuration failed: <message>".
   */
  configure(args: ConfigureArgs): void | Promise<void>;
  /** Zeroes the statistics (`reset_stats`). */
  resetStats(): void | Promise<void>;
  /** Refreshes the status now (`get_stats`). */
  getStats(): void | Promise<void>;
  /** Sets the stop flag (`stop`): the object finishes and exits. */
  stop(): void | Promise<void>;
}
