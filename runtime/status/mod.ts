/**
 * Status of consumers, collectors and simulators: PvaPy's status PV types, status documents built from statistics
 * reports, the feed that refreshes them every report period, and the read-only status PV.
 *
 * @example A consumer's status PV, refreshed every second
 * ```ts
 * import { ConsumerStatusBuilder, StatusFeed, StatusPV } from "./mod.ts";
 * import { FrameAccounting, StatsReporter } from "../stats/mod.ts";
 * const accounting = new FrameAccounting();
 * const reporter = new StatsReporter();
 * const builder = new ConsumerStatusBuilder({ consumerId: 1, inputChannel: "pv:image" });
 * const feed = new StatusFeed({ build: () => builder.build(reporter.report(accounting.snapshot())), reportPeriod: 1 });
 * const status = new StatusPV(builder.type, feed); // status.pv goes on a PvaServer
 * feed.refresh();
 * feed.current().inputChannel; // "pv:image"
 * ```
 *
 * @module
 */
export {
  COLLECTOR_STATS_T,
  collectorStatusType,
  consumerStatusType,
  type ControlledKind,
  controlType,
  PROCESSOR_STATS_T,
  PUBLISHER_STATS_T,
  QUEUE_STATS_T,
  RECEIVER_STATS_T,
  simulatorStatusType,
  SOURCE_STATS_T,
  type StatusShape,
  type UserStatsTypes,
} from "./status_types.ts";
export {
  type CollectorReport,
  type CollectorStats,
  type CollectorStatus,
  CollectorStatusBuilder,
  type ConsumerStatus,
  ConsumerStatusBuilder,
  type MetadataStats,
  type MirrorChannelStats,
  type MirrorStatus,
  MirrorStatusBuilder,
  type SimulatorReport,
  type SimulatorStatus,
  SimulatorStatusBuilder,
  type SourceStats,
  type StatusBuilderOptions,
  type StatusDocument,
  type StatusHeader,
  type StatusInput,
  type TimeStampDocument,
} from "./status_document.ts";
export {
  MAX_STATUS_PERIOD_SECONDS,
  StatusFeed,
  type StatusFeedOptions,
  type StatusProvider,
} from "./status_feed.ts";
export { StatusPV } from "./status_pv.ts";
