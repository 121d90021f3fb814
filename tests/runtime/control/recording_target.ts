/**
 * A ControlTarget for tests that records each call and refuses a configuration carrying `refuse`, as a
 * processor rejecting an argument would.
 *
 * @module
 */
import type { ConfigureArgs, ControlTarget } from "../../../runtime/control/mod.ts";

/** One recorded call. */
export type TargetCall =
  | { method: "configure"; args: ConfigureArgs }
  | { method: "resetStats" | "getStats" | "stop" };

/** Records calls; `configure({ refuse: "why" })` throws `why`. `onGetStats` runs on getStats. */
export class RecordingTarget implements ControlTarget {
  readonly calls: TargetCall[] = [];

  constructor(private readonly onGetStats: () => void = () => {}) {}

  configure(args: ConfigureArgs): void {
    if (typeof args.refuse === "string") throw new Error(args.refuse);
    this.calls.push({ method: "configure", args });
  }

  resetStats(): void {
    this.calls.push({ method: "resetStats" });
  }

  getStats(): void {
    this.calls.push({ method: "getStats" });
    this.onGetStats();
  }

  stop(): void {
    this.calls.push({ method: "stop" });
  }
}
