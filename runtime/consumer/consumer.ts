/**
 * One consumer: the path of a frame in one read.
 *
 *   input (monitor / hosted channel / RPC) → take the frame's buffers from the monitor →
 *   receiver queue (optional, bounded) → frame view of the NTNDArray → metadata attributes
 *   (optional) → processor sandbox (buffers transferred, not copied) → outputs → publisher →
 *   accounting.
 *
 * The consumer is also the target of its control PV and HTTP API, and the source of its
 * status PV. Statistics are counted per frame with plain increments; rates and documents
 * are made once per report.
 *
 * @module
 */
import type { CaClient } from "../../protocol/ca/client.ts";
import type { Logger } from "../../protocol/log.ts";
import type { PvaClient } from "../../protocol/pva/client/client.ts";
import type { PvaServer } from "../../protocol/pva/server/server.ts";
import { ntNDArrayType } from "../../protocol/nt/mod.ts";
// Not through ../control/mod.ts: that loads the configure schema (zod), needed only when a configure arrives.
import type { ConfigureArgs } from "../control/configure_args.ts";
import type { ControlTarget } from "../control/control_target.ts";
import { type AccountingSnapshot, FrameAccounting, StatsReporter } from "../stats/mod.ts";
import {
  type ConsumerStatus,
  ConsumerStatusBuilder,
  StatusFeed,
  type StatusProvider,
} from "../status/mod.ts";
import {
  type Frame,
  type ProcessorArgs,
  type ProcessorHost,
  type ProcessorHostOptions,
} from "../processor/mod.ts";
import { channelName, formatId } from "../cli/ids.ts";
import type { MetadataChannels } from "../metadata/mod.ts";
import { hostedInput, type Input, type InputItem, monitorInput, rpcInput } from "./input.ts";
import type { ConsumerOptions } from "./options.ts";
import { FrameProcessing } from "./frame_processing.ts";
import { hostedOutput, type OutputPublisher, remoteOutput } from "./output.ts";
import { ProcessorService } from "./processor_service.ts";
import { ReceiverQueue } from "./queue.ts";
import { derivedOidOffset, monitorRequest, usesDistributor } from "./request.ts";

/** What a consumer shares with others in its process. */
export interface ConsumerContext {
  /** Hosts output, status, control and (pvas/rpc) input channels. */
  server: PvaServer;
  /** Monitors the input and puts outputs (pva/rpc output). */
  client: PvaClient;
  /** Reads `ca://` metadata channels; default a client of the EPICS_CA_* environment, made when needed. */
  caClient?: CaClient;
  logger: Logger;
  /** How to run the processor; the consumer adds the system arguments. */
  processor: Omit<ProcessorHostOptions, "args" | "logger" | "onEvent">;
  /**
   * Sees each frame just before it moves to the processor (after that its buffer is gone):
   * a preview samples it here. Must be quick.
   */
  onFrame?: (frame: Frame) => void;
}

/** The channel names of one consumer, after `*` and `_` are resolved. */
export interface ConsumerChannels {
  input: string;
  output?: string;
  status?: string;
  control?: string;
}

/**
 * Monitor queue (and pipeline window) when `--server-queue-size` is 0. PvaPy leaves it to the
 * server (often 1..4); a deeper window lets our pipelined monitor ride out scheduling hiccups
 * without the server having to fold frames.
 */
const DEFAULT_MONITOR_QUEUE = 16;

/** An update waiting in the receiver queue, with its object id. */
interface Received {
  item: InputItem;
  id: number;
}

/** One running consumer. */
export class Consumer implements ControlTarget {
  /** Its id. */
  readonly id: number;
  /** Its channels. */
  readonly channels: ConsumerChannels;
  readonly #opts: ConsumerOptions;
  readonly #ctx: ConsumerContext;
  readonly #accounting: FrameAccounting;
  readonly #reporter = new StatsReporter();
  readonly #service: ProcessorService;
  readonly #host: ProcessorHost;
  #queue: ReceiverQueue<Received> | undefined;
  #processing: FrameProcessing | undefined;
  #input: Input | undefined;
  #output: OutputPublisher | undefined;
  #metadata: MetadataChannels | undefined;
  #feed!: StatusFeed<ConsumerStatus>;
  #skip: number;
  #lastSummary = { time: performance.now(), processed: 0, bytes: 0 };
  /** The codec module, once a compressed frame has asked for it (see #decompressed). */

  private constructor(id: number, opts: ConsumerOptions, ctx: ConsumerContext) {
    this.id = id;
    this.#opts = opts;
    this.#ctx = ctx;
    const idText = formatId(id, opts.idFormatSpec);
    const named = (t: string | undefined, role: "output" | "status" | "control") =>
      channelName(t, { kind: "consumer", role, id: idText });
    this.channels = {
      input: opts.inputChannel.replaceAll("*", idText),
      output: named(opts.outputChannel, "output"),
      status: named(opts.statusChannel, "status"),
      control: named(opts.controlChannel, "control"),
    };
    const updates = opts.distributorUpdates ?? 1;
    this.#accounting = new FrameAccounting(usesDistributor(opts) ? { distribution: { updates } } : {});
    this.#skip = opts.skipInitialUpdates;
    this.#service = new ProcessorService({
      kind: "consumer",
      id,
      ctx,
      args: this.#systemArgs(opts.processorArgs),
    });
    this.#host = this.#service.host;
  }

  /** Starts a consumer: processor first (a bad processor fails here), then channels, then input. */
  static async start(id: number, opts: ConsumerOptions, ctx: ConsumerContext): Promise<Consumer> {
    const c = new Consumer(id, opts, ctx);
    await c.#service.start(() => {
      c.#metadata = c.#service.openMetadata(opts.metadata);
      c.#startStatus();
      c.#startOutput();
      c.#startInput();
    }, () => c.#shutdown());
    return c;
  }

  /** Resolves once the consumer has stopped (stop command, or the input ended). */
  get done(): Promise<void> {
    return this.#service.done;
  }

  /** The status as the status PV shows it (refreshed every report period). */
  get status(): ConsumerStatus {
    return this.#feed.current();
  }

  /** What happened to the frames so far (missed ids named, unattributed gaps), for run totals. */
  accounting(): AccountingSnapshot {
    return this.#accounting.snapshot();
  }

  /** The status feed (for the HTTP API). */
  get statusProvider(): StatusProvider<ConsumerStatus> {
    return this.#feed;
  }

  /**
   * One line for people: totals, and rates since the previous call.
   * @example "consumer 1: 1200 processed (400.0 frames/s, 104.9 MB/s), 0 missed, 0 rejected, 0 errors, queue 0"
   */
  summary(): string {
    const s = this.#accounting.snapshot();
    const now = performance.now();
    const dt = (now - this.#lastSummary.time) / 1000;
    const fps = dt > 0 ? (s.processed - this.#lastSummary.processed) / dt : 0;
    const bytes = this.#processing?.bytes ?? 0;
    const mbps = dt > 0 ? (bytes - this.#lastSummary.bytes) / dt / 1e6 : 0;
    this.#lastSummary = { time: now, processed: s.processed, bytes };
    const queue = this.#queue
      ? `, queue ${this.#queue.length}${this.#queue.size ? `/${this.#queue.size}` : ""}`
      : "";
    return `consumer ${this.id}: ${s.processed} processed (${fps.toFixed(1)} frames/s, ${
      mbps.toFixed(1)
    } MB/s), ` +
      `${s.missed} missed, ${s.rejected} rejected, ${s.processErrors} errors${queue}`;
  }

  // ---- ControlTarget ----

  /** Applies runtime keys and hands the whole object to the processor. */
  async configure(args: ConfigureArgs): Promise<void> {
    if (args.receiverQueueSize !== undefined) {
      if (!this.#queue) {
        throw new Error("receiverQueueSize: this consumer was started without a receiver queue");
      }
      this.#queue.size = args.receiverQueueSize;
    }
    if (args.skipInitialUpdates !== undefined) this.#opts.skipInitialUpdates = args.skipInitialUpdates;
    if (args.objectIdOffset !== undefined) this.#opts.oidOffset = args.objectIdOffset;
    await this.#host.configure(this.#systemArgs(args as Record<string, unknown>));
  }

  /** Zeroes the statistics, ours and the processor's. */
  async resetStats(): Promise<void> {
    this.#accounting.reset();
    this.#metadata?.resetStats();
    this.#skip = this.#opts.skipInitialUpdates;
    await this.#host.resetStats();
    this.#feed.refresh();
  }

  /** Refreshes the status now. */
  getStats(): Promise<void> {
    return this.#service.refreshStatus();
  }

  /**
   * Sets the stop flag: the input stops, queued and in-flight frames are processed, then
   * everything closes and {@link done} resolves. Returns at once, so that a `stop` put to the
   * control PV is answered before that PV goes away.
   */
  stop(): void {
    this.#service.stopWith(() => this.#finish());
  }

  async #finish(): Promise<void> {
    this.#input?.stop();
    this.#queue?.close();
    await this.#drained;
    await this.#processing?.idle();
    await this.#shutdown();
  }

  // ---- the frame's path ----

  #drained: Promise<void> = Promise.resolve();

  #startInput(): void {
    const o = this.#opts;
    const ctx = this.#ctx;
    const processing = this.#processing = new FrameProcessing({
      host: this.#host,
      accounting: this.#accounting,
      output: this.#output,
      keepCompressed: o.keepCompressed,
      recycle: (buffer) => this.#ctx.client.recycleBuffer(buffer),
      metadata: this.#metadata,
      onFrame: ctx.onFrame,
      logger: ctx.logger,
      label: `consumer ${this.id}`,
    });
    const queued = o.receiverQueueSize >= 0;
    if (queued) {
      this.#queue = new ReceiverQueue({
        size: o.receiverQueueSize,
        accumulate: o.accumulateObjects,
        accumulationTimeoutMs: o.accumulationTimeout * 1000,
      });
      this.#drained = this.#processQueue(this.#queue);
    }
    const sink = (item: InputItem) => {
      const id = this.#objectId(item);
      if (id === undefined) return;
      if (!queued) return processing.submit(item, id);
      if (!this.#queue!.offer({ item, id })) this.#accounting.rejected();
    };
    const { server, client } = this.#ctx;
    const input = this.channels.input;
    if (o.inputMode === "pva") {
      this.#input = monitorInput(client, input, {
        request: monitorRequest(o),
        // Pipelined: the server sends no more than this many unacknowledged updates.
        queueSize: Math.max(2, o.serverQueueSize || DEFAULT_MONITOR_QUEUE),
        takeArrays: true,
        sink,
        events: {
          onConnected: () => {
            this.#accounting.resubscribed();
            this.#skip = o.skipInitialUpdates;
          },
        },
      });
    } else if (o.inputMode === "pvas") {
      this.#input = hostedInput(server, input, { type: ntNDArrayType, sink });
    } else this.#input = rpcInput(server, input, { sink });
    this.#input.done.then(() => this.stop());
  }

  /** The object id of an update, after counting it as received (or skipped); undefined to drop it. */
  #objectId(item: InputItem): number | undefined {
    const raw = item.value[this.#opts.oidField];
    const id = typeof raw === "bigint" ? Number(raw) : raw;
    if (typeof id !== "number") {
      this.#accounting.receiveFailed();
      return undefined;
    }
    if (this.#skip > 0) {
      this.#skip--;
      this.#accounting.skipped(id);
      return undefined;
    }
    if (item.overrun && !item.overrun.isEmpty()) this.#accounting.receivedAfterOverrun(id);
    else this.#accounting.received(id);
    return id;
  }

  async #processQueue(queue: ReceiverQueue<Received>): Promise<void> {
    for (;;) {
      const batch = await queue.take();
      if (batch === null) return;
      // A processor that takes batches gets each in one call, one batch at a time: the batch
      // itself amortizes the round trip that the in-flight window hides for single frames.
      if (this.#host.batching && batch.length > 1) await this.#processing!.processBatch(batch);
      else for (const { item, id } of batch) await this.#processing!.submit(item, id);
    }
  }

  // ---- channels ----

  #startOutput(): void {
    const name = this.channels.output;
    if (!name) return;
    const { server, client, logger } = this.#ctx;
    const declared = this.#host.outputType;
    this.#output = this.#opts.outputMode === "pvas"
      ? hostedOutput(server, name, {
        declaredType: declared?.kind === "structure" ? declared : undefined,
        logger,
      })
      : remoteOutput(client, name, { mode: this.#opts.outputMode, logger });
  }

  #startStatus(): void {
    const builder = new ConsumerStatusBuilder({
      consumerId: this.id,
      inputChannel: this.channels.input,
      userStats: this.#host.statsTypes,
      metadataChannels: this.#opts.metadata.channels.length,
      gpu: this.#ctx.processor.permissions?.gpu,
      logger: this.#ctx.logger,
    });
    this.#feed = new StatusFeed({
      build: () =>
        builder.build(
          this.#reporter.report(this.#accounting.snapshot(), { endTime: this.#service.endTime }),
          {
            userStats: this.#service.userStats,
            metadataStats: this.#metadata?.stats(),
            gpuAdapter: this.#host.gpuAdapter,
          },
        ),
      reportPeriod: this.#opts.reportPeriod,
      logger: this.#ctx.logger,
    });
    this.#service.serve(this.#feed, builder.type, this.channels, this);
  }

  /** The processor's arguments: the user's keys plus PvaPy's system keys. */
  #systemArgs(user: Record<string, unknown>): ProcessorArgs {
    const o = this.#opts;
    return {
      ...user,
      processorId: this.id,
      inputChannel: this.channels.input,
      outputChannel: this.channels.output,
      objectIdField: o.oidField,
      objectIdOffset: derivedOidOffset(o),
      skipInitialUpdates: o.skipInitialUpdates,
      nSequentialUpdates: o.distributorUpdates ?? 1,
    };
  }

  async #shutdown(): Promise<void> {
    await this.#service.close();
    this.#output?.close();
  }
}
