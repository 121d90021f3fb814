/**
 * One collector: the path of an update in one read.
 *
 *   producer monitors (one per producer id, optional receiver queues) → cache ordered by object id →
 *   runs released in order (cache full, idle, end) → frame view → processor sandbox → outputs →
 *   publisher → accounting.
 *
 * Like the consumer, it is the target of its control PV and HTTP API and the source of its status
 * PV, with PvaPy's collectorStats and producerStats_<id> blocks.
 *
 * @module
 */
import type { StructValue } from "../../protocol/pvdata/types.ts";
import type { MetadataChannels } from "../metadata/mod.ts";
import type { ConfigureArgs } from "../control/configure_args.ts";
import type { ControlTarget } from "../control/control_target.ts";
import { channelName, formatId } from "../cli/ids.ts";
import type { ConsumerContext } from "../consumer/consumer.ts";
import { FrameProcessing } from "../consumer/frame_processing.ts";
import type { InputItem } from "../consumer/input.ts";
import { hostedOutput, type OutputPublisher } from "../consumer/output.ts";
import { ProcessorService } from "../consumer/processor_service.ts";
import { ReceiverQueue } from "../consumer/queue.ts";
import { monitorRequest } from "../consumer/request.ts";
import type { ProcessorArgs, ProcessorHost } from "../processor/mod.ts";
import { type AccountingSnapshot, FrameAccounting, type IdRange, StatsReporter } from "../stats/mod.ts";
import {
  type CollectorStats,
  type CollectorStatus,
  CollectorStatusBuilder,
  StatusFeed,
  type StatusProvider,
} from "../status/mod.ts";
import { Collection, type CollectionCounts } from "./collection.ts";
import type { CollectorOptions } from "./options.ts";
import { PeriodRates } from "./period_rates.ts";
import { Producer } from "./producer.ts";
import { cacheCapacity, producerQueueSize, type Release } from "./reorder_cache.ts";

/** What a collector shares with others in its process: the same as a consumer. */
export type CollectorContext = ConsumerContext;

/** The channel names of one collector, after `*` and `_` are resolved. */
export interface CollectorChannels {
  /** One input channel per producer, in producer order. */
  inputs: string[];
  /** The output channel, if any. */
  output?: string;
  /** The status PV, if any. */
  status?: string;
  /** The control PV, if any. */
  control?: string;
}

/** Monitor queue (pipeline window) per producer when `--server-queue-size` is 0, as the consumer's. */
const DEFAULT_MONITOR_QUEUE = 16;

/** What the collector has done so far, for run totals and tests. */
export interface CollectorSnapshot extends CollectionCounts {
  /** Collected updates not processed on purpose (`--skip-initial-updates`). */
  skipped: number;
  /** The processing side (processed, errors, published). */
  processing: AccountingSnapshot;
}

/** A released update on its way to the processor. */
interface Released {
  id: number;
  item: InputItem;
}

/** One running collector. */
export class Collector implements ControlTarget {
  /** Its id. */
  readonly id: number;
  /** Its channels. */
  readonly channels: CollectorChannels;
  readonly #opts: CollectorOptions;
  readonly #ctx: CollectorContext;
  readonly #collection: Collection<InputItem>;
  readonly #producers: Producer[];
  readonly #accounting = new FrameAccounting();
  readonly #reporter = new StatsReporter();
  readonly #rates = new PeriodRates<"collected" | "rejected" | "missed">(Date.now() / 1000);
  readonly #service: ProcessorService;
  readonly #host: ProcessorHost;
  /** Released updates waiting for the processor, in order (bounded by holding the producers back). */
  readonly #backlog = new ReceiverQueue<Released>({ size: 0 });
  #room = Promise.withResolvers<void>();
  #pumped: Promise<void> = Promise.resolve();
  #processing!: FrameProcessing;
  #metadata: MetadataChannels | undefined;
  #output: OutputPublisher | undefined;
  #feed!: StatusFeed<CollectorStatus>;
  #idleTimer: ReturnType<typeof setInterval> | undefined;
  #skip: number;
  #skipped = 0;
  #warnedUnreadable = false;
  #lastSummary = { time: performance.now(), collected: 0, bytes: 0 };

  private constructor(opts: CollectorOptions, ctx: CollectorContext) {
    this.id = opts.collectorId;
    this.#opts = opts;
    this.#ctx = ctx;
    const named = (t: string | undefined, role: "output" | "status" | "control") =>
      channelName(t, { kind: "collector", role, id: formatId(this.id, opts.idFormatSpec) });
    const inputs = opts.producerIds.map((p) =>
      opts.inputChannel.replaceAll("*", formatId(p, opts.idFormatSpec))
    );
    this.channels = {
      inputs,
      output: named(opts.outputChannel, "output"),
      status: named(opts.statusChannel, "status"),
      control: named(opts.controlChannel, "control"),
    };
    const capacity = cacheCapacity(opts.collectorCacheSize, opts.producerIds.length);
    this.#collection = new Collection({ capacity, idleMs: opts.collectorIdleTime * 1000 });
    const request = monitorRequest({ ...opts, distributorPluginName: "pydistributor" });
    const receiverQueueSize = producerQueueSize(opts.receiverQueueSize, capacity);
    this.#producers = opts.producerIds.map((id, i) =>
      new Producer({
        id,
        channel: inputs[i],
        request,
        monitorQueueSize: Math.max(2, opts.serverQueueSize || DEFAULT_MONITOR_QUEUE),
        receiverQueueSize,
        sink: (producerId, item) => this.#receive(producerId, item),
      })
    );
    this.#skip = opts.skipInitialUpdates;
    this.#service = new ProcessorService({
      kind: "collector",
      id: this.id,
      ctx,
      args: this.#systemArgs(opts.processorArgs),
    });
    this.#host = this.#service.host;
  }

  /** Starts a collector: processor first (a bad processor fails here), then channels, then producers. */
  static async start(opts: CollectorOptions, ctx: CollectorContext): Promise<Collector> {
    const c = new Collector(opts, ctx);
    await c.#service.start(() => {
      c.#metadata = c.#service.openMetadata(opts.metadata);
      c.#startStatus();
      c.#startOutput();
      c.#startCollecting();
    }, () => c.#shutdown());
    return c;
  }

  /** Resolves once the collector has stopped and processed everything it collected. */
  get done(): Promise<void> {
    return this.#service.done;
  }

  /** The status as the status PV shows it (refreshed every report period). */
  get status(): CollectorStatus {
    return this.#feed.current();
  }

  /** The status feed (for the HTTP API). */
  get statusProvider(): StatusProvider<CollectorStatus> {
    return this.#feed;
  }

  /** What happened to the updates so far, missed ids named. */
  snapshot(): CollectorSnapshot {
    return { ...this.#collection.counts(), skipped: this.#skipped, processing: this.#accounting.snapshot() };
  }

  /**
   * One line for people: totals, and rates since the previous call.
   * @example "collector 1: 1200 collected (400.0 frames/s, 104.9 MB/s), 1195 processed, 3 missed (ids 17..19), 0 rejected, 2 cached"
   */
  summary(): string {
    const c = this.#collection.counts();
    const now = performance.now();
    const dt = (now - this.#lastSummary.time) / 1000;
    const bytes = this.#processing?.bytes ?? 0;
    const fps = dt > 0 ? (c.collected - this.#lastSummary.collected) / dt : 0;
    const mbps = dt > 0 ? (bytes - this.#lastSummary.bytes) / dt / 1e6 : 0;
    this.#lastSummary = { time: now, collected: c.collected, bytes };
    const processed = this.#accounting.snapshot().processed;
    const missed = c.missed > 0 ? ` (ids ${rangesText(c.missedIds)})` : "";
    return `collector ${this.id}: ${c.collected} collected (${fps.toFixed(1)} frames/s, ${
      mbps.toFixed(1)
    } MB/s), ` +
      `${processed} processed, ${c.missed} missed${missed}, ${c.rejected} rejected, ${c.cached} cached`;
  }

  // ---- ControlTarget ----

  /** Applies runtime keys (collectorCacheSize, receiverQueueSize, ...) and hands the whole object to the processor. */
  async configure(args: ConfigureArgs): Promise<void> {
    if (args.receiverQueueSize !== undefined) {
      const size = producerQueueSize(args.receiverQueueSize, this.#collection.capacity);
      for (const p of this.#producers) p.queueSize = size;
    }
    if (args.collectorCacheSize !== undefined) {
      this.#collection.capacity = cacheCapacity(args.collectorCacheSize, this.#producers.length);
      this.#enqueue(this.#collection.releaseDue());
    }
    if (args.skipInitialUpdates !== undefined) this.#opts.skipInitialUpdates = args.skipInitialUpdates;
    if (args.objectIdOffset !== undefined) this.#opts.oidOffset = args.objectIdOffset;
    await this.#host.configure(this.#systemArgs(args as Record<string, unknown>));
  }

  /** Zeroes the statistics, ours and the processor's; the next released id starts a new sequence. */
  async resetStats(): Promise<void> {
    this.#accounting.reset();
    this.#collection.reset();
    for (const p of this.#producers) p.resetStats();
    this.#metadata?.resetStats();
    this.#rates.restart(Date.now() / 1000);
    this.#skip = this.#opts.skipInitialUpdates;
    this.#skipped = 0;
    await this.#host.resetStats();
    this.#feed.refresh();
  }

  /** Refreshes the status now. */
  getStats(): Promise<void> {
    return this.#service.refreshStatus();
  }

  /**
   * Sets the stop flag: the producers stop, everything cached is released and processed, then the
   * channels close and {@link done} resolves. Returns at once (a `stop` put is answered first).
   */
  stop(): void {
    this.#service.stopWith(() => this.#finish());
  }

  async #finish(): Promise<void> {
    clearInterval(this.#idleTimer);
    await Promise.all(this.#producers.map((p) => p.stop()));
    this.#enqueue(this.#collection.releaseAll());
    this.#backlog.close();
    await this.#pumped;
    await this.#processing.idle();
    await this.#shutdown();
  }

  // ---- the update's path ----

  #startCollecting(): void {
    const { client, logger, onFrame } = this.#ctx;
    this.#processing = new FrameProcessing({
      host: this.#host,
      accounting: this.#accounting,
      output: this.#output,
      keepCompressed: this.#opts.keepCompressed,
      recycle: (buffer) => this.#ctx.client.recycleBuffer(buffer),
      // Without a processor the collector gathers any structure with an id (statistics, say), as PvaPy's does.
      passOnNonFrames: this.#opts.processorFile === undefined,
      metadata: this.#metadata,
      onFrame,
      logger,
      label: `collector ${this.id}`,
    });
    this.#pumped = this.#pump();
    const idleMs = this.#opts.collectorIdleTime * 1000;
    this.#idleTimer = setInterval(() => {
      const r = this.#collection.releaseIdle();
      if (r) this.#enqueue([r]);
    }, Math.min(250, Math.max(10, idleMs / 4)));
    for (const p of this.#producers) p.start(client);
  }

  /** Caches one update; holds the producer back while the processor is far behind. */
  #receive(producerId: number, item: InputItem): void | Promise<void> {
    const raw = item.value[this.#opts.oidField];
    const id = typeof raw === "bigint" ? Number(raw) : raw;
    // Runs and gaps are counted in whole ids: a missing, fractional or NaN id cannot be put in order.
    if (typeof id !== "number" || !Number.isSafeInteger(id)) {
      this.#producers.find((p) => p.id === producerId)?.rejectedUnreadable();
      if (!this.#warnedUnreadable) {
        this.#warnedUnreadable = true;
        this.#ctx.logger.warn(
          `collector ${this.id}: producer ${producerId} sent an update without a whole ${this.#opts.oidField}`,
        );
      }
      return;
    }
    // A producer that declares its output type serves a placeholder (id 0, never stamped: an empty
    // frame, zeroed statistics) until its first output: not an object to collect.
    if (id === 0 && neverStamped(item.value)) {
      this.#ctx.logger.debug(`collector ${this.id}: producer ${producerId}'s placeholder value ignored`);
      return;
    }
    const outcome = this.#collection.add({ id, producerId, item });
    if (outcome !== "cached") {
      this.#ctx.logger.debug(
        `collector ${this.id}: rejected id ${id} from producer ${producerId} (${outcome})`,
      );
    }
    this.#enqueue(this.#collection.releaseDue());
    if (this.#backlog.length >= this.#collection.capacity) return this.#room.promise;
  }

  #enqueue(releases: readonly Release<InputItem>[]): void {
    for (const r of releases) {
      if (r.missed) {
        const n = r.missed.last - r.missed.first + 1;
        this.#ctx.logger.warn(
          `collector ${this.id}: ${n} missed, ids ${rangesText([r.missed])} never arrived`,
        );
      }
      for (const u of r.updates) this.#backlog.offer({ id: u.id, item: u.item });
    }
  }

  /** Hands released updates to the processor in order, skipping the first ones as PvaPy does. */
  async #pump(): Promise<void> {
    for (;;) {
      const batch = await this.#backlog.take();
      if (batch === null) return;
      for (const { id, item } of batch) {
        this.#accounting.received(id);
        if (this.#skip > 0) {
          this.#skip--;
          this.#skipped++;
        } else {
          const wait = this.#processing.submit(item, id);
          if (wait) await wait;
        }
        this.#freeRoom();
      }
    }
  }

  #freeRoom(): void {
    if (this.#backlog.length >= this.#collection.capacity) return;
    this.#room.resolve();
    this.#room = Promise.withResolvers<void>();
  }

  // ---- channels ----

  #startOutput(): void {
    const name = this.channels.output;
    if (!name) return;
    // Without a processor the collector passes on what it collects, whatever its type: the channel
    // takes the type of the first output rather than the pass-through's NTNDArray.
    const declared = this.#opts.processorFile === undefined ? undefined : this.#host.outputType;
    this.#output = hostedOutput(this.#ctx.server, name, {
      declaredType: declared?.kind === "structure" ? declared : undefined,
      logger: this.#ctx.logger,
    });
  }

  #startStatus(): void {
    const builder = new CollectorStatusBuilder({
      collectorId: this.id,
      producerIds: this.#opts.producerIds,
      metadataChannels: this.#opts.metadata.channels.length,
      userStats: this.#host.statsTypes,
      logger: this.#ctx.logger,
    });
    this.#feed = new StatusFeed({
      build: () => {
        const now = Date.now() / 1000;
        const endTime = this.#service.endTime;
        const report = this.#reporter.report(this.#accounting.snapshot(), { now, endTime });
        const counts = this.#collection.counts();
        return builder.build({
          collectorStats: this.#collectorStats(counts, now),
          processorStats: report.processorStats,
          producerStats: this.#producers.map((p) => p.stats(now)),
          missedIds: counts.missedIds,
        }, { userStats: this.#service.userStats, metadataStats: this.#metadata?.stats(), now });
      },
      reportPeriod: this.#opts.reportPeriod,
      logger: this.#ctx.logger,
    });
    this.#service.serve(this.#feed, builder.type, this.channels, this);
  }

  #collectorStats(c: CollectionCounts, now: number): CollectorStats {
    const rates = this.#rates.rates({ collected: c.collected, rejected: c.rejected, missed: c.missed }, now);
    return {
      nCollected: c.collected,
      collectedRate: rates.collected,
      nRejected: c.rejected,
      rejectedRate: rates.rejected,
      nMissed: c.missed,
      missedRate: rates.missed,
      nCached: c.cached,
    };
  }

  /** The processor's arguments: the user's keys plus PvaPy's system keys. */
  #systemArgs(user: Record<string, unknown>): ProcessorArgs {
    const o = this.#opts;
    return {
      ...user,
      processorId: this.id,
      inputChannel: o.inputChannel,
      outputChannel: this.channels.output,
      objectIdField: o.oidField,
      objectIdOffset: o.oidOffset,
      skipInitialUpdates: o.skipInitialUpdates,
      nSequentialUpdates: 1,
    };
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#idleTimer);
    await this.#service.close();
    this.#output?.close();
  }
}

/** Id ranges shown in a summary line; the status has them all (bounded). */
const SHOWN_RANGES = 8;

/** "3..5, 9" for id ranges, the first few of them. */
function rangesText(ranges: readonly IdRange[]): string {
  const text = ranges.slice(0, SHOWN_RANGES).map((r) =>
    r.first === r.last ? `${r.first}` : `${r.first}..${r.last}`
  );
  if (ranges.length > SHOWN_RANGES) text.push(`... (${ranges.length - SHOWN_RANGES} more ranges)`);
  return text.join(", ");
}

/** A value whose `timeStamp` is absent or zero: nobody ever stamped it. */
function neverStamped(value: StructValue): boolean {
  const t = value.timeStamp as { secondsPastEpoch?: number | bigint; nanoseconds?: number } | undefined;
  return t === undefined || (Number(t.secondsPastEpoch ?? 0) === 0 && (t.nanoseconds ?? 0) === 0);
}
