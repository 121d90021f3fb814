/**
 * Turns accounting snapshots into PvaPy's statistics groups (receiverStats, publisherStats, queueStats,
 * processorStats) with the same names, rates included. Rates are computed here, once per report, from the
 * change in each counter since the previous report, never per frame.
 *
 * @module
 */
import type { AccountingSnapshot } from "./frame_accounting.ts";

/** PvaPy's receiverStats. */
export interface ReceiverStats {
  /** Updates received. */
  nReceived: number;
  /** Received per second over the last report period. */
  receivedRate: number;
  /** Updates refused by the full client queue. */
  nRejected: number;
  /** Rejected per second over the last report period. */
  rejectedRate: number;
  /** Updates that could not be read. */
  nErrors: number;
  /** Errors per second over the last report period. */
  errorRate: number;
  /** Updates that carried overrun bits. */
  nOverruns: number;
  /** Overruns per second over the last report period. */
  overrunRate: number;
}

/** PvaPy's publisherStats. */
export interface PublisherStats {
  /** Outputs published. */
  nPublished: number;
  /** Published per second over the last report period. */
  publishedRate: number;
  /** Failed publications. */
  nErrors: number;
  /** Failures per second over the last report period. */
  errorRate: number;
}

/** PvaPy's queueStats (the client-side receiver queue). */
export interface QueueStats {
  /** Updates offered to the queue. */
  nReceived: number;
  /** Updates the full queue refused. */
  nRejected: number;
  /** Updates taken out for processing. */
  nDelivered: number;
  /** Updates waiting now. */
  nQueued: number;
}

/** PvaPy's processorStats; times are seconds (epoch seconds for instants). */
export interface ProcessorStats {
  /** Seconds since counting (re)started. */
  runtime: number;
  /** When counting (re)started. */
  startTime: number;
  /** When processing ended (0 while running). */
  endTime: number;
  /** Seconds between the first and the last processed frame. */
  receivingTime: number;
  /** When the first frame was processed. */
  firstObjectTime: number;
  /** When the last frame was processed. */
  lastObjectTime: number;
  /** Id of the first processed frame. */
  firstObjectId: number;
  /** Id of the last processed frame. */
  lastObjectId: number;
  /** Frames processed without error. */
  nProcessed: number;
  /** Processed per second over the last report period. */
  processedRate: number;
  /** Processor failures. */
  nErrors: number;
  /** Failures per second over the last report period. */
  errorRate: number;
  /** Frames meant for this consumer that it never received. */
  nMissed: number;
  /** Missed per second over the last report period. */
  missedRate: number;
}

/** The statistics groups of a consumer's status, in PvaPy's order. */
export interface ConsumerStats {
  /** Receiving side. */
  receiverStats: ReceiverStats;
  /** Output side. */
  publisherStats: PublisherStats;
  /** Client queue. */
  queueStats: QueueStats;
  /** Processing. */
  processorStats: ProcessorStats;
}

/** Options of {@link StatsReporter.report}. */
export interface ReportOptions {
  /** Wall-clock seconds of the report; now by default. */
  now?: number;
  /** When processing ended, once stopped. */
  endTime?: number;
}

type RatedKey =
  | "received"
  | "rejected"
  | "receiveErrors"
  | "overruns"
  | "published"
  | "publishErrors"
  | "processed"
  | "processErrors"
  | "missed";
const RATED: readonly RatedKey[] = [
  "received",
  "rejected",
  "receiveErrors",
  "overruns",
  "published",
  "publishErrors",
  "processed",
  "processErrors",
  "missed",
];

/**
 * Builds reports from successive snapshots of one accounting object, remembering the previous report to
 * derive per-period rates. A reset of the accounting (a new `startTime`) restarts the period.
 *
 * @example
 * ```ts
 * import { FrameAccounting } from "./frame_accounting.ts";
 * import { StatsReporter } from "./stats_report.ts";
 * let t = 100;
 * const acc = new FrameAccounting({ clock: () => t });
 * const reporter = new StatsReporter();
 * reporter.report(acc.snapshot(), { now: t });
 * acc.received(1);
 * acc.received(2);
 * t = 102;
 * reporter.report(acc.snapshot(), { now: t }).receiverStats.receivedRate; // 1
 * ```
 */
export class StatsReporter {
  #previous: AccountingSnapshot | null = null;
  #previousTime = 0;

  /** The PvaPy groups for `snap`, rates over the time since the previous report. */
  report(
    snap: AccountingSnapshot,
    { now = Date.now() / 1000, endTime = 0 }: ReportOptions = {},
  ): ConsumerStats {
    const restarted = this.#previous === null || this.#previous.startTime !== snap.startTime;
    const since = restarted ? snap.startTime : this.#previousTime;
    const seconds = now - since;
    const rate = (key: RatedKey): number => {
      const before = restarted ? 0 : this.#previous![key];
      return seconds > 0 ? (snap[key] - before) / seconds : 0;
    };
    const rates = Object.fromEntries(RATED.map((k) => [k, rate(k)])) as Record<RatedKey, number>;
    this.#previous = snap;
    this.#previousTime = now;
    return {
      receiverStats: {
        nReceived: snap.received,
        receivedRate: rates.received,
        nRejected: snap.rejected,
        rejectedRate: rates.rejected,
        nErrors: snap.receiveErrors,
        errorRate: rates.receiveErrors,
        nOverruns: snap.overruns,
        overrunRate: rates.overruns,
      },
      publisherStats: {
        nPublished: snap.published,
        publishedRate: rates.published,
        nErrors: snap.publishErrors,
        errorRate: rates.publishErrors,
      },
      queueStats: {
        nReceived: snap.received,
        nRejected: snap.rejected,
        nDelivered: snap.delivered,
        nQueued: snap.received - snap.rejected - snap.delivered,
      },
      processorStats: {
        runtime: (endTime || now) - snap.startTime,
        startTime: snap.startTime,
        endTime,
        receivingTime: snap.lastObjectTime - snap.firstObjectTime,
        firstObjectTime: snap.firstObjectTime,
        lastObjectTime: snap.lastObjectTime,
        firstObjectId: snap.firstObjectId,
        lastObjectId: snap.lastObjectId,
        nProcessed: snap.processed,
        processedRate: rates.processed,
        nErrors: snap.processErrors,
        errorRate: rates.processErrors,
        nMissed: snap.missed,
        missedRate: rates.missed,
      },
    };
  }
}
