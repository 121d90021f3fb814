/**
 * The run-level check of the accounting: what the source published against what its consumers saw.
 *
 * @module
 */
import type { AccountingSnapshot } from "./frame_accounting.ts";

/** A run's frames, summed over its consumers. */
export interface RunTotals {
  /** Frames the source published (its own count). */
  published: number;
  /** Processed without error. */
  processed: number;
  /** Processor failures. */
  processErrors: number;
  /** Refused by full client queues. */
  rejected: number;
  /** Received and not processed on purpose (`--skip-initial-updates`). */
  skipped: number;
  /** Received but not yet processed (still queued or being processed). */
  pending: number;
  /** Named as missed by the consumer they were meant for. */
  missed: number;
  /**
   * Published frames no consumer received or named as missed: folded by the server where the ids could
   * not tell whose they were (see each consumer's `unattributedGaps`), or sent to nobody (no consumer was
   * subscribed, or the distributor's trigger field did not change).
   */
  unattributed: number;
}

/**
 * Sums consumers' snapshots against the source's count. By construction
 * `published = processed + processErrors + rejected + skipped + pending + missed + unattributed`; the accounting is
 * exact when `unattributed` is 0, and never charges one consumer with another's frames.
 *
 * The consumers must share the frames (each frame sent to one of them, as the distributor does in mode
 * `one`); a consumer that sees every frame is a run of its own.
 *
 * @param published frames the source published during the run
 * @param consumers one snapshot per consumer that took part, including those that left
 * @example
 * ```ts
 * import { FrameAccounting } from "./frame_accounting.ts";
 * import { runTotals } from "./run_totals.ts";
 * const a = new FrameAccounting();
 * a.received(1);
 * a.delivered();
 * a.processed(1);
 * runTotals(1, [a.snapshot()]).unattributed; // 0
 * ```
 */
export function runTotals(published: number, consumers: readonly AccountingSnapshot[]): RunTotals {
  const totals: RunTotals = {
    published,
    processed: 0,
    processErrors: 0,
    rejected: 0,
    skipped: 0,
    pending: 0,
    missed: 0,
    unattributed: 0,
  };
  let seen = 0;
  for (const c of consumers) {
    totals.processed += c.processed;
    totals.processErrors += c.processErrors;
    totals.rejected += c.rejected;
    totals.skipped += c.skipped;
    totals.pending += c.received - c.rejected - c.processed - c.processErrors;
    totals.missed += c.missed;
    seen += c.received + c.skipped + c.missed;
  }
  totals.unattributed = published - seen;
  return totals;
}
