/**
 * What a fuzz target reports: messages sent, mutations used, how connections and operations
 * ended, and the failures (crash, hang, untyped error) that make a run fail.
 *
 * @module
 */

/** The counts and failures of one target's run. */
export interface TargetReport {
  /** "server", "client" or "udp". */
  target: string;
  /** Fuzz messages delivered (whole wire messages; probes and handshakes we answer with are not counted). */
  messages: number;
  /** How many of them came out of a mutation. */
  mutated: number;
  /** Mutations applied, by mutator name. */
  mutators: Record<string, number>;
  /** How sessions, operations or datagrams ended, by kind. */
  outcomes: Record<string, number>;
  /** Why the side under test closed connections, by normalized reason. */
  closedBy: Record<string, number>;
  /** Anything that fails the run, described. */
  failures: string[];
  /** Wall-clock seconds of the fuzzing itself. */
  seconds: number;
  /** Target-specific figures (RSS, p4p updates, answers after the run). */
  extra: Record<string, number | string | boolean>;
}

/**
 * An empty report for `target`.
 * @example
 * ```ts
 * import { newReport } from "./stats.ts";
 * newReport("udp").messages; // 0
 * ```
 */
export function newReport(target: string): TargetReport {
  return {
    target,
    messages: 0,
    mutated: 0,
    mutators: {},
    outcomes: {},
    closedBy: {},
    failures: [],
    seconds: 0,
    extra: {},
  };
}

/** Adds `n` to `counts[key]`. */
export function bump(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/** Keeps at most this many failure descriptions (the count is still reported). */
const MAX_FAILURES_KEPT = 20;

/** Records a failure, keeping the first few descriptions and a running count. */
export function fail(report: TargetReport, what: string): void {
  bump(report.outcomes, "FAILURE");
  if (report.failures.length < MAX_FAILURES_KEPT) report.failures.push(what);
}

/** A shared message budget that parallel workers draw from until it is spent. */
export class Budget {
  #left: number;

  /** @param total messages to send in all */
  constructor(total: number) {
    this.#left = total;
  }

  /** True while messages remain. */
  get open(): boolean {
    return this.#left > 0;
  }

  /** Spends `n`. */
  spend(n: number): void {
    this.#left -= n;
  }
}

/** Bytes as short hex (for failure descriptions). */
export function hex(bytes: Uint8Array, max = 256): string {
  const shown = [...bytes.subarray(0, max)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return bytes.length > max ? `${shown}… (${bytes.length} bytes)` : shown;
}
