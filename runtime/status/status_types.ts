/**
 * The pvData types of PvaPy's status PVs, field for field and in PvaPy's order (checked against
 * pvapy-hpc-consumer 5.6 on loopback): counts are `uint`, rates and times `double`, stamps `time_t`.
 * Status scrapers written for PvaPy read ours unchanged.
 *
 * @module
 */
import { TIME_T } from "../../protocol/nt/common.ts";
import { scalar, struct, type StructureDesc } from "../../protocol/pvdata/types.ts";
import { type StatsDeclaration, userStatsType } from "../processor/mod.ts";

const UINT = scalar("uint32");
const DOUBLE = scalar("float64");

/** PvaPy's receiverStats structure. */
export const RECEIVER_STATS_T: StructureDesc = struct("structure", {
  nReceived: UINT,
  receivedRate: DOUBLE,
  nRejected: UINT,
  rejectedRate: DOUBLE,
  nErrors: UINT,
  errorRate: DOUBLE,
  nOverruns: UINT,
  overrunRate: DOUBLE,
});

/** PvaPy's publisherStats structure. */
export const PUBLISHER_STATS_T: StructureDesc = struct("structure", {
  nPublished: UINT,
  publishedRate: DOUBLE,
  nErrors: UINT,
  errorRate: DOUBLE,
});

/** PvaPy's queueStats structure. */
export const QUEUE_STATS_T: StructureDesc = struct("structure", {
  nReceived: UINT,
  nRejected: UINT,
  nDelivered: UINT,
  nQueued: UINT,
});

/** PvaPy's processorStats structure. */
export const PROCESSOR_STATS_T: StructureDesc = struct("structure", {
  runtime: DOUBLE,
  startTime: DOUBLE,
  endTime: DOUBLE,
  receivingTime: DOUBLE,
  firstObjectTime: DOUBLE,
  lastObjectTime: DOUBLE,
  firstObjectId: UINT,
  lastObjectId: UINT,
  nProcessed: UINT,
  processedRate: DOUBLE,
  nErrors: UINT,
  errorRate: DOUBLE,
  nMissed: UINT,
  missedRate: DOUBLE,
});

/** PvaPy's collectorStats structure. */
export const COLLECTOR_STATS_T: StructureDesc = struct("structure", {
  nCollected: UINT,
  collectedRate: DOUBLE,
  nRejected: UINT,
  rejectedRate: DOUBLE,
  nMissed: UINT,
  missedRate: DOUBLE,
  nCached: UINT,
});

/**
 * PvaPy's per-source block (`producerStats_<id>` of a collector, `metadataStats_<n>` of both); its
 * receiverStats has no error counts, unlike the consumer's.
 */
export const SOURCE_STATS_T: StructureDesc = struct("structure", {
  producerId: UINT,
  channel: scalar("string"),
  receiverStats: struct("structure", {
    nReceived: UINT,
    receivedRate: DOUBLE,
    nRejected: UINT,
    rejectedRate: DOUBLE,
    nOverruns: UINT,
    overrunRate: DOUBLE,
  }),
  queueStats: QUEUE_STATS_T,
});

/**
 * The WebGPU adapter of a processor granted `gpu` (not in PvaPy: a member only such consumers have);
 * empty strings until the processor asks for an adapter.
 */
export const GPU_ADAPTER_T: StructureDesc = struct("structure", {
  description: scalar("string"),
  vendor: scalar("string"),
  architecture: scalar("string"),
  isFallbackAdapter: scalar("bool"),
});

/** The user statistics a processor declares (its `statsTypes`, PvaPy's getStatsPvaTypes). */
export type UserStatsTypes = StatsDeclaration;

/** What varies between status PVs of one kind. */
export interface StatusShape {
  /** The processor's declared user statistics; no userStats member when absent or empty (as PvaPy). */
  userStats?: UserStatsTypes;
  /** Number of metadata channels: `metadataStats_1` .. `metadataStats_<n>`. */
  metadataChannels?: number;
  /** The processor may use WebGPU: a `gpuAdapter` member ({@link GPU_ADAPTER_T}) follows the statistics. */
  gpu?: boolean;
}

function userAndMetadata({ userStats = {}, metadataChannels = 0 }: StatusShape) {
  const members: Record<string, StructureDesc> = {};
  if (Object.keys(userStats).length > 0) members.userStats = userStatsType(userStats);
  return {
    members,
    metadata: Object.fromEntries(
      Array.from({ length: metadataChannels }, (_, i) => [`metadataStats_${i + 1}`, SOURCE_STATS_T]),
    ),
  };
}

/**
 * The consumer status PV's type.
 * @example
 * ```ts
 * import { consumerStatusType } from "./status_types.ts";
 * consumerStatusType({ userStats: { nFrames: "uint" } }).fields.map((f) => f.name).at(-1); // "userStats"
 * ```
 */
export function consumerStatusType(shape: StatusShape = {}): StructureDesc {
  const { members, metadata } = userAndMetadata(shape);
  return struct("structure", {
    consumerId: UINT,
    inputChannel: scalar("string"),
    objectId: UINT,
    objectTime: DOUBLE,
    objectTimestamp: TIME_T,
    receiverStats: RECEIVER_STATS_T,
    publisherStats: PUBLISHER_STATS_T,
    queueStats: QUEUE_STATS_T,
    processorStats: PROCESSOR_STATS_T,
    ...members,
    ...metadata,
    ...(shape.gpu ? { gpuAdapter: GPU_ADAPTER_T } : {}),
  });
}

/**
 * The collector status PV's type: `producerStats_<id>` per producer, in the order given.
 * @param producerIds the collector's producer ids
 * @param shape declared user statistics and metadata channels
 */
export function collectorStatusType(producerIds: readonly number[], shape: StatusShape = {}): StructureDesc {
  const { members, metadata } = userAndMetadata(shape);
  return struct("structure", {
    collectorId: UINT,
    objectId: UINT,
    objectTime: DOUBLE,
    objectTimestamp: TIME_T,
    collectorStats: COLLECTOR_STATS_T,
    processorStats: PROCESSOR_STATS_T,
    ...members,
    ...Object.fromEntries(producerIds.map((id) => [`producerStats_${id}`, SOURCE_STATS_T])),
    ...metadata,
  });
}

/** Which kind of HPC object a control PV belongs to; it names the id field. */
export type ControlledKind = "consumer" | "collector";

/**
 * PvaPy's control PV type: `{ consumerId|collectorId: uint, objectTime, objectTimestamp, command, args,
 * statusMessage }`.
 */
export function controlType(kind: ControlledKind): StructureDesc {
  return struct("structure", {
    [`${kind}Id`]: UINT,
    objectTime: DOUBLE,
    objectTimestamp: TIME_T,
    command: scalar("string"),
    args: scalar("string"),
    statusMessage: scalar("string"),
  });
}

/** The simulator's status PV type: the stamp, then what it published (counts uint, rates double). */
export function simulatorStatusType(): StructureDesc {
  return struct("structure", {
    objectId: UINT,
    objectTime: DOUBLE,
    objectTimestamp: TIME_T,
    channelName: scalar("string"),
    state: scalar("string"),
    framesPublished: UINT,
    notDelivered: UINT,
    notDeliveredNoSubscriber: UINT,
    notDeliveredQueuesFull: UINT,
    subscribers: UINT,
    lastUniqueId: UINT,
    runtime: DOUBLE,
    frameRate: DOUBLE,
    dataRate: DOUBLE,
    targetFrameRate: DOUBLE,
  });
}
