/**
 * The end of a frame's path, shared by the consumer and the collector: the update decompressed
 * (unless the processor wants it compressed) and viewed as a frame, handed to the processor
 * sandbox with a few frames in flight, its outputs published in order, and every step counted.
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import type { FieldDesc, StructureDesc, StructValue } from "../../protocol/pvdata/types.ts";
import type { FrameAccounting } from "../stats/mod.ts";
import {
  type Frame,
  frameFromNTNDArray,
  frameToNTNDArray,
  isFrame,
  type Output,
  type ProcessorHost,
} from "../processor/mod.ts";
import type { InputItem } from "./input.ts";
import type { OutputPublisher } from "./output.ts";

/**
 * Frames handed to the processor before the first of them has come back. The sandbox takes
 * them one at a time in order; keeping a few in flight hides the round trip to it.
 */
const IN_FLIGHT = 4;

/** Options of a {@link FrameProcessing}. */
export interface FrameProcessingOptions {
  /** The processor's sandbox. */
  host: ProcessorHost;
  /** Counts delivered, processed, failed and published frames. */
  accounting: FrameAccounting;
  /** Where outputs go; none: outputs are dropped. */
  output?: OutputPublisher;
  /** Give the processor compressed frames as they are. */
  keepCompressed?: boolean;
  /**
   * Takes back the pixel buffer of an output nobody publishes, for the next payloads to be read into
   * (`PvaClient.recycleBuffer`); without it the buffer is freed at once.
   */
  recycle?: (buffer: ArrayBuffer) => void;
  /**
   * The processor is the built-in pass-through: an update that is not an NTNDArray (a collector
   * gathering statistics rather than frames) is published as it came, without a trip to the sandbox.
   */
  passOnNonFrames?: boolean;
  /**
   * Adds each frame's metadata as attributes before the processor sees it (runtime/metadata's
   * `MetadataChannels`); a frame may wait for values not yet arrived.
   */
  metadata?: { attach(frame: Frame): Promise<void> | undefined };
  /** Sees each frame just before its buffer moves to the processor; must be quick. */
  onFrame?: (frame: Frame) => void;
  /** Told why a frame failed (debug level). */
  logger: Logger;
  /** Names the owner in log lines, e.g. "consumer 1". */
  label: string;
}

/** Hands frames to a processor in order and publishes what comes back. */
export class FrameProcessing {
  readonly #opts: FrameProcessingOptions;
  #codecs: Promise<typeof import("../../protocol/codecs/frame.ts")> | undefined;
  /** Frames handed to the processor and not finished yet. */
  #inFlight = 0;
  /** Resolves when the next frame finishes (one promise for all waiters, made only when one waits). */
  #frameFinished: PromiseWithResolvers<void> | undefined;
  #bytes = 0;

  /**
   * Nothing in flight yet.
   * @param options the sandbox, accounting, output and hooks
   */
  constructor(options: FrameProcessingOptions) {
    this.#opts = options;
  }

  /** Bytes of frame data handed to the processor (for MB/s). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Starts processing an update; returns a promise only while the in-flight frames are at their
   * limit. Nothing is allocated per frame beyond the call itself: the callbacks are bound once, and a
   * promise is made only when the input has to wait.
   */
  submit(item: InputItem, id: number): Promise<void> | undefined {
    this.#inFlight++;
    this.#process(item, id).then(this.#finished, this.#failed);
    return this.#inFlight >= IN_FLIGHT ? this.#nextFinish() : undefined;
  }

  /** Resolves once every frame submitted so far is done. */
  async idle(): Promise<void> {
    while (this.#inFlight > 0) await this.#nextFinish();
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
    this.#opts.logger.error(`${this.#opts.label}: ${(e as Error).message}`);
    this.#finished();
  };

  /**
   * Hands a batch to the processor's `processBatch` in one call (a batch of one goes to `process`),
   * after the frames in flight; each frame is accounted for once. Resolves when the batch is done.
   */
  async processBatch(batch: readonly { item: InputItem; id: number }[]): Promise<void> {
    await this.idle();
    const frames: Frame[] = [];
    const ids: number[] = [];
    for (const { item, id } of batch) {
      const frame = await this.#frameOf(item, id);
      if (!frame) continue;
      frames.push(frame);
      ids.push(id);
    }
    if (frames.length === 0) return;
    const { host, accounting } = this.#opts;
    let outputs: readonly Output[];
    try {
      outputs = frames.length === 1 ? await host.process(frames[0]) : await host.processBatch(frames);
    } catch (e) {
      for (const id of ids) this.#processFailed(id, e);
      return;
    }
    for (const id of ids) accounting.processed(id);
    await this.#publish(outputs, ids[0]);
  }

  async #process(item: InputItem, id: number): Promise<void> {
    if (this.#opts.passOnNonFrames && !isNTNDArrayType(item.type)) return this.#passOn(item, id);
    const frame = await this.#frameOf(item, id);
    if (!frame) return;
    let outputs: readonly Output[];
    try {
      outputs = await this.#opts.host.process(frame);
    } catch (e) {
      return this.#processFailed(id, e);
    }
    this.#opts.accounting.processed(id);
    await this.#publish(outputs, id);
  }

  /**
   * The frame of an update with its metadata attached, counted as delivered; undefined (counted as
   * failed) when it does not decode.
   */
  async #frameOf(item: InputItem, id: number): Promise<Frame | undefined> {
    const { accounting, metadata, onFrame } = this.#opts;
    accounting.delivered();
    try {
      const plain = this.#decompressed(item);
      const frame = frameFromNTNDArray(plain instanceof Promise ? await plain : plain);
      const waiting = metadata?.attach(frame);
      if (waiting) await waiting;
      this.#bytes += frame.data.byteLength;
      onFrame?.(frame);
      return frame;
    } catch (e) {
      this.#processFailed(id, e);
      return undefined;
    }
  }

  async #passOn(item: InputItem, id: number): Promise<void> {
    this.#opts.accounting.delivered();
    this.#opts.accounting.processed(id);
    await this.#publishOne(item.type, item.value);
  }

  /**
   * An output nobody publishes: its pixel buffer goes back to the client for later payloads, or is
   * freed now (V8 would collect these large buffers only lazily). It came back from the sandbox, so
   * nothing else refers to it.
   */
  #release(out: Output): void {
    if (!isFrame(out)) return;
    const buffer = out.data.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.detached) return;
    if (this.#opts.recycle) this.#opts.recycle(buffer);
    else buffer.transfer(0);
  }

  #processFailed(id: number, e: unknown): void {
    this.#opts.accounting.processFailed(id);
    this.#opts.logger.debug(`${this.#opts.label}: frame ${id}: ${(e as Error).message}`);
  }

  /** Publishes outputs in order (of frame `id` or the batch it starts), or frees them when nobody publishes. */
  async #publish(outputs: readonly Output[], id: number): Promise<void> {
    const { accounting, output, logger, label } = this.#opts;
    if (!output) {
      for (const out of outputs) this.#release(out);
      return;
    }
    for (const out of outputs) {
      let typed;
      try {
        typed = isFrame(out) ? frameToNTNDArray(out) : out;
      } catch (e) {
        // A frame whose shape does not match its data cannot be published; the stream goes on.
        accounting.publishFailed();
        logger.warn(`${label}: output of frame ${id} not published: ${(e as Error).message}`);
        continue;
      }
      await this.#publishOne(typed.type, typed.value as StructValue);
    }
  }

  /** Publishes one value, counted as published or failed; nothing without an output. */
  async #publishOne(type: FieldDesc, value: StructValue): Promise<void> {
    const { accounting, output } = this.#opts;
    if (!output) return;
    if (await output.publish({ type: type as StructureDesc, value })) accounting.published();
    else accounting.publishFailed();
  }

  /**
   * The update with its pixels decompressed (one new typed array) when it carries a codec,
   * unless the processor asked for compressed frames; a corrupted frame throws CodecError.
   */
  #decompressed(item: InputItem): InputItem | Promise<InputItem> {
    const codec = (item.value.codec as { name?: string } | undefined)?.name;
    // Raw frames, nearly all of them, go on without a trip through the microtask queue.
    if (!codec || this.#opts.keepCompressed) return item;
    return this.#decoded(item);
  }

  async #decoded(item: InputItem): Promise<InputItem> {
    // Loaded with the first compressed frame: Blosc's npm packages (zlib, zstd) bring Node's
    // compatibility layer, about 12 MiB resident in a consumer that never sees one.
    const { decodeFrame } = await (this.#codecs ??= import("../../protocol/codecs/frame.ts"));
    const plain = decodeFrame({ type: item.type as StructureDesc, value: item.value });
    return { type: plain.type, value: plain.value as StructValue };
  }
}

function isNTNDArrayType(type: FieldDesc): boolean {
  return type.kind === "structure" && type.id.startsWith("epics:nt/NTNDArray:");
}
