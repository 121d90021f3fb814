/**
 * Statistics of the streaming runtime: per-frame accounting fed on the hot path, PvaPy-named reports with
 * per-period rates, and the run-level check of published against processed, rejected and missed frames.
 *
 * @example Frames counted as they pass, reported with PvaPy's names
 * ```ts
 * import { FrameAccounting, StatsReporter } from "./mod.ts";
 * const accounting = new FrameAccounting();
 * for (const id of [1, 2, 4]) {
 *   accounting.received(id);
 *   accounting.delivered();
 *   accounting.processed(id);
 * }
 * const report = new StatsReporter().report(accounting.snapshot());
 * [report.processorStats.nProcessed, report.processorStats.nMissed]; // [3, 1]
 * ```
 *
 * @module
 */
export { type IdRange, IdRanges, type IdRangesOptions } from "./id_ranges.ts";
export {
  type AccountingSnapshot,
  type Distribution,
  FrameAccounting,
  type FrameAccountingOptions,
} from "./frame_accounting.ts";
export {
  type ConsumerStats,
  type ProcessorStats,
  type PublisherStats,
  type QueueStats,
  type ReceiverStats,
  type ReportOptions,
  StatsReporter,
} from "./stats_report.ts";
export { type RunTotals, runTotals } from "./run_totals.ts";
