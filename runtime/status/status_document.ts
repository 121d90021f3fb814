/**
 * Status documents: the content of a consumer's or collector's status PV as plain JSON-safe data, built
 * from a statistics report and the processor's user statistics. The status PV posts them and the HTTP API
 * serves them, so both always say the same thing.
 *
 * @module
 */
import { type Logger, silentLogger } from "../../protocol/log.ts";
import type { StructureDesc, StructValue } from "../../protocol/pvdata/types.ts";
import { checkStats, zeroStats } from "../processor/mod.ts";
import type { GpuAdapterSummary } from "../processor/gpu/adapter.ts";
import type { IdRange } from "../stats/id_ranges.ts";
import type { ConsumerStats, ProcessorStats, QueueStats } from "../stats/stats_report.ts";
import {
  collectorStatusType,
  consumerStatusType,
  simulatorStatusType,
  type StatusShape,
  type UserStatsTypes,
} from "./status_types.ts";

/** A `time_t` as JSON-safe numbers (seconds fit a double for the next 285,000 years). */
export interface TimeStampDocument {
  /** Whole seconds since the POSIX epoch. */
  secondsPastEpoch: number;
  /** Nanoseconds within the second. */
  nanoseconds: number;
  /** User tag (0). */
  userTag: number;
}

/** A `producerStats_<id>` / `metadataStats_<n>` block. */
export interface SourceStats {
  /** Producer id (collector) or metadata channel number (1-based). */
  producerId: number;
  /** Channel name. */
  channel: string;
  /** Receiving counts of this source. */
  receiverStats: {
    nReceived: number;
    receivedRate: number;
    nRejected: number;
    rejectedRate: number;
    nOverruns: number;
    overrunRate: number;
  };
  /** Its client queue. */
  queueStats: QueueStats;
}

/**
 * A `metadataStats_<n>` block: PvaPy's per-source counts of one metadata channel, then what became of
 * frames and values (see docs/metadata.md for each count). The status PV carries PvaPy's members
 * only; `associationStats` is in the HTTP status document.
 */
export interface MetadataStats extends SourceStats {
  /** Association of this channel's values with frames. */
  associationStats: {
    /** Frames that got a value of this channel. */
    nMatched: number;
    /** Frames that got none (no value within the tolerance in time). */
    nUnmatched: number;
    /** Values dropped unused: older than any frame still to come (other consumers' frames). */
    nDiscarded: number;
  };
}

/** PvaPy's collectorStats. */
export interface CollectorStats {
  /** Frames released in order. */
  nCollected: number;
  /** Collected per second over the last report period. */
  collectedRate: number;
  /** Frames older than the last released one. */
  nRejected: number;
  /** Rejected per second over the last report period. */
  rejectedRate: number;
  /** Ids skipped when releasing. */
  nMissed: number;
  /** Missed per second over the last report period. */
  missedRate: number;
  /** Frames waiting in the cache. */
  nCached: number;
}

/** The stamp every status document carries. */
export interface StatusHeader {
  /** Counts status updates (PvaPy's objectId of a status PV). */
  objectId: number;
  /** Seconds since the epoch of this update. */
  objectTime: number;
  /** The same instant as a time stamp. */
  objectTimestamp: TimeStampDocument;
}

/** A consumer's status PV content. */
export interface ConsumerStatus extends StatusHeader, ConsumerStats {
  /** The consumer's id. */
  consumerId: number;
  /** The channel it monitors. */
  inputChannel: string;
  /** The declared user statistics (absent when none are declared). */
  userStats?: StructValue;
  /** `metadataStats_<n>` blocks. */
  [metadataStats: `metadataStats_${number}`]: MetadataStats;
  /** The processor's WebGPU adapter (only when it is granted `gpu`). */
  gpuAdapter?: GpuAdapterSummary;
}

/** A collector's status PV content. */
export interface CollectorStatus extends StatusHeader {
  /** The collector's id. */
  collectorId: number;
  /** Collection counts. */
  collectorStats: CollectorStats;
  /** Processing counts. */
  processorStats: ProcessorStats;
  /** The declared user statistics (absent when none are declared). */
  userStats?: StructValue;
  /**
   * The missed ids, oldest first (bounded; `collectorStats.nMissed` stays exact). pvastream's: in the
   * HTTP status only, the status PV keeps PvaPy's structure.
   */
  missedIds?: IdRange[];
  /** `producerStats_<id>` and `metadataStats_<n>` blocks. */
  [sourceStats: `producerStats_${number}` | `metadataStats_${number}`]: SourceStats;
}

/** A simulator's status PV content: what it has published (see the simulator's SimulatorStats). */
export interface SimulatorStatus extends StatusHeader {
  /** PV name of the frames. */
  channelName: string;
  /** idle, waiting, publishing, draining or stopped. */
  state: string;
  /** Frames posted. */
  framesPublished: number;
  /** Frames posted while nobody was subscribed or every subscriber's queue was full. */
  notDelivered: number;
  /** Of those, posted while nobody was subscribed. */
  notDeliveredNoSubscriber: number;
  /** Of those, posted while every subscriber's queue was full. */
  notDeliveredQueuesFull: number;
  /** Subscriptions to the frames channel now. */
  subscribers: number;
  /** uniqueId of the last frame. */
  lastUniqueId: number;
  /** Seconds from the first frame to the last. */
  runtime: number;
  /** Frames per second achieved. */
  frameRate: number;
  /** Megabytes (10^6 B) per second achieved. */
  dataRate: number;
  /** The rate asked for (0: unpaced). */
  targetFrameRate: number;
}

/** Counters and state of one mirrored channel (runtime/mirror). */
export interface MirrorChannelStats {
  /** The mirror's name. */
  mirror: string;
  /** The upstream channel. */
  source: string;
  /** "pva" or "ca". */
  provider: string;
  /** True while the mirror is served (its upstream is connected and has sent a value). */
  connected: boolean;
  /** Upstream updates used (PvaPy's nReceived; repeated initial values of extra monitors excluded). */
  nReceived: number;
  /** Of those, updates that arrived with upstream overrun bits (PvaPy's nOverruns). */
  nOverruns: number;
  /** Updates sent to the mirror's clients (one per client per update). */
  nSent: number;
  /** Clients monitoring the mirror now. */
  nSubscribers: number;
}

/** A mirror server's status: one block per mirrored channel, in channel-map order. */
export interface MirrorStatus extends StatusHeader {
  /** The mirrored channels. */
  channels: MirrorChannelStats[];
}

/** Any status document. */
export type StatusDocument = ConsumerStatus | CollectorStatus | SimulatorStatus | MirrorStatus;

/** What a status update adds to the statistics. */
export interface StatusInput {
  /** The processor's user statistics; only declared names are kept, as PvaPy does. */
  userStats?: Readonly<Record<string, unknown>>;
  /** One block per metadata channel, in channel order. */
  metadataStats?: readonly MetadataStats[];
  /** Seconds since the epoch of the update; now by default. */
  now?: number;
  /** The processor's WebGPU adapter, once it has one (shown when the shape has `gpu`). */
  gpuAdapter?: GpuAdapterSummary;
}

const NO_ADAPTER: GpuAdapterSummary = {
  description: "",
  vendor: "",
  architecture: "",
  isFallbackAdapter: false,
};

/** Options shared by the status builders. */
export interface StatusBuilderOptions extends StatusShape {
  /** Told once per user statistic reported but undeclared or of the wrong kind (PvaPy drops those silently). */
  logger?: Logger;
}

/** Shared by both builders: the update counter, the stamp, the user statistics filter. */
class StatusStamp {
  readonly #declared: UserStatsTypes;
  readonly #logger: Logger;
  readonly #warned = new Set<string>();
  #objectId = 0;

  constructor({ userStats = {}, logger = silentLogger }: StatusBuilderOptions) {
    this.#declared = userStats;
    this.#logger = logger;
  }

  stamp(now: number): StatusHeader {
    const seconds = Math.floor(now);
    return {
      objectId: ++this.#objectId,
      objectTime: now,
      objectTimestamp: {
        secondsPastEpoch: seconds,
        nanoseconds: Math.min(999_999_999, Math.round((now - seconds) * 1e9)),
        userTag: 0,
      },
    };
  }

  /**
   * The declared statistics, checked by the processor contract's one rule (`checkStats`). A
   * report that breaks it shows zeros and is logged once per problem: a status PV update must
   * never fail because of it, and the problem must never pass in silence (as PvaPy's does).
   */
  userStats(reported: Readonly<Record<string, unknown>> = {}): { userStats?: StructValue } {
    if (Object.keys(this.#declared).length === 0) return {};
    try {
      return { userStats: jsonSafe(checkStats(this.#declared, reported)) };
    } catch (e) {
      this.#warnOnce((e as Error).message, "user statistics do not match their declaration");
      return { userStats: jsonSafe(zeroStats(this.#declared)) };
    }
  }

  #warnOnce(detail: string, problem: string): void {
    if (this.#warned.has(detail)) return;
    this.#warned.add(detail);
    this.#logger.warn(`${problem}: ${detail}; zeros reported`);
  }
}

/**
 * Status documents are also JSON (HTTP API, dashboard): 64-bit statistics become numbers and
 * typed arrays plain arrays; the status PV converts them back to its field types when posting.
 */
function jsonSafe(v: StructValue): StructValue {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = typeof x === "bigint"
      ? Number(x)
      : ArrayBuffer.isView(x)
      ? Array.from(x as ArrayLike<number>)
      : x;
  }
  return out as StructValue;
}

function numbered<K extends string>(prefix: K, blocks: readonly SourceStats[] = []) {
  return Object.fromEntries(blocks.map((b, i) => [`${prefix}_${i + 1}`, b]));
}

/**
 * Builds a consumer's status documents, numbering them as PvaPy does.
 * @example
 * ```ts
 * import { ConsumerStatusBuilder } from "./status_document.ts";
 * import { FrameAccounting, StatsReporter } from "../stats/mod.ts";
 * const builder = new ConsumerStatusBuilder({ consumerId: 1, inputChannel: "pvapy:image" });
 * const stats = new StatsReporter().report(new FrameAccounting().snapshot());
 * builder.build(stats).objectId; // 1
 * ```
 */
export class ConsumerStatusBuilder {
  /** The status PV's type. */
  readonly type: StructureDesc;
  readonly #consumerId: number;
  readonly #inputChannel: string;
  readonly #stamp: StatusStamp;
  readonly #gpu: boolean;

  /**
   * Fixes the status type from the declared user statistics, metadata channels and WebGPU grant.
   * @param options the consumer's id and input channel, declared user statistics, metadata channels
   */
  constructor(options: StatusBuilderOptions & { consumerId: number; inputChannel: string }) {
    this.type = consumerStatusType(options);
    this.#consumerId = options.consumerId;
    this.#inputChannel = options.inputChannel;
    this.#stamp = new StatusStamp(options);
    this.#gpu = options.gpu === true;
  }

  /** The next status document. */
  build(
    stats: ConsumerStats,
    { userStats, metadataStats, gpuAdapter, now = Date.now() / 1000 }: StatusInput = {},
  ): ConsumerStatus {
    return {
      consumerId: this.#consumerId,
      inputChannel: this.#inputChannel,
      ...this.#stamp.stamp(now),
      receiverStats: stats.receiverStats,
      publisherStats: stats.publisherStats,
      queueStats: stats.queueStats,
      processorStats: stats.processorStats,
      ...this.#stamp.userStats(userStats),
      ...numbered("metadataStats", metadataStats),
      ...(this.#gpu ? { gpuAdapter: { ...(gpuAdapter ?? NO_ADAPTER) } } : {}),
    };
  }
}

/** Statistics a collector reports. */
export interface CollectorReport {
  /** Collection counts. */
  collectorStats: CollectorStats;
  /** Processing counts. */
  processorStats: ProcessorStats;
  /** One block per producer, in the order of the producer ids. */
  producerStats: readonly SourceStats[];
  /** The missed ids, oldest first. */
  missedIds?: IdRange[];
}

/** Builds a collector's status documents. */
export class CollectorStatusBuilder {
  /** The status PV's type. */
  readonly type: StructureDesc;
  readonly #collectorId: number;
  readonly #producerIds: readonly number[];
  readonly #stamp: StatusStamp;

  /**
   * Fixes the status type from the producers, declared user statistics and metadata channels.
   * @param options the collector's id and producer ids, declared user statistics, metadata channels
   */
  constructor(options: StatusBuilderOptions & { collectorId: number; producerIds: readonly number[] }) {
    this.type = collectorStatusType(options.producerIds, options);
    this.#collectorId = options.collectorId;
    this.#producerIds = options.producerIds;
    this.#stamp = new StatusStamp(options);
  }

  /** The next status document. */
  build(
    report: CollectorReport,
    { userStats, metadataStats, now = Date.now() / 1000 }: StatusInput = {},
  ): CollectorStatus {
    if (report.producerStats.length !== this.#producerIds.length) {
      throw new RangeError(
        `collector status needs ${this.#producerIds.length} producer blocks, got ${report.producerStats.length}`,
      );
    }
    return {
      collectorId: this.#collectorId,
      ...this.#stamp.stamp(now),
      collectorStats: report.collectorStats,
      processorStats: report.processorStats,
      ...this.#stamp.userStats(userStats),
      ...Object.fromEntries(
        this.#producerIds.map((id, i) => [`producerStats_${id}`, report.producerStats[i]]),
      ),
      ...numbered("metadataStats", metadataStats),
      ...(report.missedIds ? { missedIds: report.missedIds } : {}),
    };
  }
}

/** What a simulator reports into {@link SimulatorStatusBuilder.build}. */
export type SimulatorReport = Omit<SimulatorStatus, keyof StatusHeader>;

/**
 * Builds a simulator's status documents.
 * @example
 * ```ts ignore
 * const builder = new SimulatorStatusBuilder();
 * const feed = new StatusFeed({ build: () => builder.build(simulator.stats()), reportPeriod: 1 });
 * ```
 */
export class SimulatorStatusBuilder {
  /** The status PV's type. */
  readonly type: StructureDesc = simulatorStatusType();
  readonly #stamp = new StatusStamp({});

  /** The next status document from the simulator's counts (extra members are left out). */
  build(report: SimulatorReport, now = Date.now() / 1000): SimulatorStatus {
    const picked = Object.fromEntries(
      this.type.fields.slice(3).map((f) => [f.name, report[f.name as keyof SimulatorReport]]),
    ) as SimulatorReport;
    return { ...this.#stamp.stamp(now), ...picked };
  }
}

/**
 * Builds a mirror server's status documents, numbered like the others.
 * @example
 * ```ts
 * import { MirrorStatusBuilder } from "./status_document.ts";
 * new MirrorStatusBuilder().build([]).objectId; // 1
 * ```
 */
export class MirrorStatusBuilder {
  readonly #stamp = new StatusStamp({});

  /** The next status document. */
  build(channels: MirrorChannelStats[], now: number = Date.now() / 1000): MirrorStatus {
    return { ...this.#stamp.stamp(now), channels };
  }
}
