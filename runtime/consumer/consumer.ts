/**
 * One consumer: the path of a frame in one read.
 *
 *   input (monitor / hosted channel / RPC) → take the frame's buffers from the monitor →
 *   receiver queue (optional, bounded) → frame view of the NTNDArray → processor sandbox
 *   (buffers transferred, not copied) → outputs → publisher → accounting.
 *
 * The consumer is also the target of its control PV and HTTP API, and the source of its
 * status PV. Statistics are counted per frame with plain increments; rates and documents
 * are made once per report.
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import type { PvaClient } from "../../protocol/pva/client/client.ts";
import type { PvaServer } from "../../protocol/pva/server/server.ts";
import { ntNDArrayType } from "../../protocol/nt/mod.ts";
import type { FieldDesc, StructureDesc, StructValue } from "../../protocol/pvdata/types.ts";
// Not through ../control/mod.ts: that loads the configure schema (zod), needed only when a configure arrives.
import type { ConfigureArgs } from "../control/configure_args.ts";
import type { ControlTarget } from "../control/control_target.ts";
import { ControlPV } from "../control/control_pv.ts";
import { type AccountingSnapshot, FrameAccounting, StatsReporter } from "../stats/mod.ts";
import {
  type ConsumerStatus,
  ConsumerStatusBuilder,
  StatusFeed,
  type StatusProvider,
  StatusPV,
} from "../status/mod.ts";
import {
  type Frame,
  frameFromNTNDArray,
  frameToNTNDArray,
  isFrame,
  type Output,
  type ProcessorArgs,
  ProcessorHost,
  type ProcessorHostOptions,
} from "../processor/mod.ts";
import { channelName, formatId } from "../cli/ids.ts";
import { hostedInput, type Input, type InputItem, monitorInput, rpcInput } from "./input.ts";
import type { ConsumerOptions } from "./options.ts";
import { hostedOutput, type OutputPublisher, remoteOutput } from "./output.ts";
import { ReceiverQueue } from "./queue.ts";
import { derivedOidOffset, monitorRequest, usesDistributor } from "./request.ts";

/** What a consumer shares with others in its process. */
export interface ConsumerContext {
  /** Hosts output, status, control and (pvas/rpc) input channels. */
  server: PvaServer;
  /** Monitors the input and puts outputs (pva/rpc output). */
  client: PvaClient;
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
 * Frames handed to the processor before the first of them has come back. The sandbox takes
 * them one at a time in order; keeping a few in flight hides the round trip to it.
 */
const IN_FLIGHT = 4;

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
  readonly #host: ProcessorHost;
  readonly #stopped = Promise.withResolvers<void>();
  #queue: ReceiverQueue<Received> | undefined;
  #input: Input | undefined;
  #output: OutputPublisher | undefined;
  #feed!: StatusFeed<ConsumerStatus>;
  #statusPV: StatusPV | undefined;
  #controlPV: ControlPV | undefined;
  #userStats: StructValue = {};
  #userStatsTimer: ReturnType<typeof setInterval> | undefined;
  #skip: number;
  #stopping = false;
  #endTime = 0;
  /** Bytes of frame data handed to the processor (for MB/s). */
  #bytes = 0;
  #lastSummary = { time: performance.now(), processed: 0, bytes: 0 };
  /** The codec module, once a compressed frame has asked for it (see #decompressed). */
  #codecs: Promise<typeof import("../../protocol/codecs/frame.ts")> | undefined;

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
    this.#host = new ProcessorHost({
      ...ctx.processor,
      args: this.#systemArgs(opts.processorArgs),
      logger: ctx.logger,
      onEvent: (ev) => {
        if (ev.kind === "restart") ctx.logger.warn(`consumer ${id}: processor restarted: ${ev.message}`);
      },
    });
  }

  /** Starts a consumer: processor first (a bad processor fails here), then channels, then input. */
  static async start(id: number, opts: ConsumerOptions, ctx: ConsumerContext): Promise<Consumer> {
    const c = new Consumer(id, opts, ctx);
    await c.#host.start();
    await c.#refreshUserStats();
    try {
      c.#startStatus();
      c.#startOutput();
      c.#startInput();
    } catch (e) {
      await c.#shutdown();
      throw e;
    }
    return c;
  }

  /** Resolves once the consumer has stopped (stop command, or the input ended). */
  get done(): Promise<void> {
    return this.#stopped.promise;
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
    const mbps = dt > 0 ? (this.#bytes - this.#lastSummary.bytes) / dt / 1e6 : 0;
    this.#lastSummary = { time: now, processed: s.processed, bytes: this.#bytes };
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
    this.#skip = this.#opts.skipInitialUpdates;
    await this.#host.resetStats();
    this.#feed.refresh();
  }

  /** Refreshes the status now. */
  async getStats(): Promise<void> {
    await this.#refreshUserStats();
    this.#feed.refresh();
  }

  /**
   * Sets the stop flag: the input stops, queued and in-flight frames are processed, then
   * everything closes and {@link done} resolves. Returns at once, so that a `stop` put to the
   * control PV is answered before that PV goes away.
   */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    setTimeout(() => this.#finish().then(this.#stopped.resolve, this.#stopped.reject), 0);
  }

  async #finish(): Promise<void> {
    this.#input?.stop();
    this.#queue?.close();
    await this.#drained;
    while (this.#inFlight > 0) await this.#nextFinish();
    await this.#shutdown();
  }

  // ---- the frame's path ----

  #drained: Promise<void> = Promise.resolve();
  /** Frames handed to the processor and not finished yet. */
  #inFlight = 0;
  /** Resolves when the next frame finishes (one promise for all waiters, made only when one waits). */
  #frameFinished: PromiseWithResolvers<void> | undefined;

  /**
   * Starts processing a frame; waits only while {@link IN_FLIGHT} frames are already out. Nothing
   * is allocated per frame beyond the call itself: the callbacks are bound once, and a promise is
   * made only when the input has to wait.
   */
  #submit(item: InputItem, id: number): Promise<void> | undefined {
    this.#inFlight++;
    this.#process(item, id).then(this.#finished, this.#failed);
    return this.#inFlight >= IN_FLIGHT ? this.#nextFinish() : undefined;
  }

  #nextFinish(): Promise<void> {
    return (this.#frameFinished ??= Promise.withResolvers()).promise;
  }

  readonly #finished = (): void => {
    this.#inFlight--;
    const waiting = this.#frameFinished;
    this.#frameFinished = undefined;
    waiting?.resolve();
  };

  /** #process counts the processor's failures itself; this is for a failure of publishing. */
  readonly #failed = (e: unknown): void => {
    this.#ctx.logger.error(`consumer ${this.id}: ${(e as Error).message}`);
    this.#finished();
  };

  #startInput(): void {
    const o = this.#opts;
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
      if (!queued) return this.#submit(item, id);
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
      for (const { item, id } of batch) await this.#submit(item, id);
    }
  }

  async #process(item: InputItem, id: number): Promise<void> {
    this.#accounting.delivered();
    let outputs: readonly Output[];
    try {
      const frame = frameFromNTNDArray(await this.#decompressed(item));
      this.#bytes += frame.data.byteLength;
      this.#ctx.onFrame?.(frame);
      outputs = await this.#host.process(frame);
    } catch (e) {
      this.#accounting.processFailed(id);
      this.#ctx.logger.debug(`consumer ${this.id}: frame ${id}: ${(e as Error).message}`);
      return;
    }
    this.#accounting.processed(id);
    for (const out of outputs) {
      if (!this.#output) {
        this.#recyclePixels(out);
        continue;
      }
      const typed = isFrame(out) ? frameToNTNDArray(out) : out;
      const ok = await this.#output.publish({
        type: typed.type as StructureDesc,
        value: typed.value as StructValue,
      });
      if (ok) this.#accounting.published();
      else this.#accounting.publishFailed();
    }
  }

  /**
   * The update with its pixels decompressed (one new typed array) when it carries a codec,
   * unless the processor asked for compressed frames; a corrupted frame throws CodecError.
   */
  async #decompressed(item: InputItem): Promise<{ type: FieldDesc; value: StructValue }> {
    const codec = (item.value.codec as { name?: string } | undefined)?.name;
    if (!codec || this.#opts.keepCompressed) return item;
    // Loaded with the first compressed frame: Blosc's npm packages (zlib, zstd) bring Node's
    // compatibility layer, about 12 MiB resident in a consumer that never sees one.
    const { decodeFrame } = await (this.#codecs ??= import("../../protocol/codecs/frame.ts"));
    const plain = decodeFrame({ type: item.type as StructureDesc, value: item.value });
    return { type: plain.type, value: plain.value as StructValue };
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
      logger: this.#ctx.logger,
    });
    this.#feed = new StatusFeed({
      build: () =>
        builder.build(this.#reporter.report(this.#accounting.snapshot(), { endTime: this.#endTime }), {
          userStats: this.#userStats,
        }),
      reportPeriod: this.#opts.reportPeriod,
      logger: this.#ctx.logger,
    });
    this.#feed.start();
    const periodMs = this.#feed.periodMs;
    this.#userStatsTimer = setInterval(() => this.#refreshUserStats(), periodMs);
    const { server, logger } = this.#ctx;
    if (this.channels.status) {
      this.#statusPV = new StatusPV(builder.type, this.#feed);
      server.addPV(this.channels.status, this.#statusPV.pv);
    }
    if (this.channels.control) {
      this.#controlPV = new ControlPV({ kind: "consumer", id: this.id, target: this, logger });
      server.addPV(this.channels.control, this.#controlPV.pv);
    }
  }

  async #refreshUserStats(): Promise<void> {
    try {
      this.#userStats = await this.#host.stats();
    } catch (e) {
      this.#ctx.logger.warn(`consumer ${this.id}: processor stats: ${(e as Error).message}`);
    }
  }

  /**
   * Gives the pixel buffer of an output nobody publishes back to the client, which reads a later
   * frame into it (or frees it at once when it keeps enough): each frame arrives in a buffer of its
   * own, and V8 collects those lazily (a 512x512 stream held about 160 MiB of dead frames when they
   * were left to it). The buffer came back from the sandbox, so nothing else refers to it.
   */
  #recyclePixels(out: Output): void {
    if (!isFrame(out)) return;
    const buffer = out.data.buffer;
    if (buffer instanceof ArrayBuffer) this.#ctx.client.recycleBuffer(buffer);
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
    clearInterval(this.#userStatsTimer);
    this.#endTime = Date.now() / 1000;
    await this.#refreshUserStats().catch(() => {});
    await this.#host.stop().catch((e) => this.#ctx.logger.warn(`processor stop: ${(e as Error).message}`));
    this.#feed?.refresh();
    this.#feed?.stop();
    const { server } = this.#ctx;
    for (const name of [this.channels.status, this.channels.control]) if (name) server.removePV(name);
    this.#output?.close();
  }
}
