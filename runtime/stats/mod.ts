/**
 * Statistics of the streaming runtime: per-frame accounting fed on the hot path, PvaPy-named reports with
 * per-period rates, and the run-level check of published against processed, rejected and missed frames.
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
