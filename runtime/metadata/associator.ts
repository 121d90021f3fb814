/**
 * Association of frames with metadata by time stamp: each metadata channel's values wait in a
 * bounded time-ordered buffer; a frame takes, from each channel, the value whose time stamp (plus
 * the offset) lies nearest its own within the tolerance, and gets it as an attribute named after
 * the channel. A frame waits, in order behind the frames before it, until each channel has a value
 * at or after its time stamp (values come in time order: none nearer can come after that), or the
 * wait time ends; then it takes the nearest value within the tolerance, if any.
 * Values older than the last frame (less the tolerance) can match no frame still to come and are
 * dropped: with distributed consumers, those are the values of the other consumers' frames.
 *
 * @module
 */
import { type Logger, silentLogger } from "../../protocol/log.ts";
import type { TimeStamp } from "../../protocol/nt/common.ts";
import type { FieldDesc, Value } from "../../protocol/pvdata/types.ts";
import type { MetadataStats } from "../status/mod.ts";
import { ChannelCounters } from "./channel_counters.ts";
import { SampleBuffer } from "./sample_buffer.ts";

/** What gets metadata: a frame (runtime/processor's Frame has these members), or anything stamped alike. */
export interface MetadataTarget {
  /** The time stamp the metadata is matched against. */
  timeStamp: TimeStamp;
  /** Attribute values by name; matched values are added under their channel's name. */
  attributes: Record<string, Value>;
  /** Attribute types by name; matched values' types are added (created when absent). */
  attributeTypes?: Record<string, FieldDesc>;
}

/** Settings of the association (seconds, as PvaPy's metadata processor takes them). */
export interface AssociationOptions {
  /** Largest difference between frame and metadata time stamps that still matches (default 0.001 s). */
  tolerance?: number;
  /** Added to every metadata time stamp before comparing (default 0). */
  offset?: number;
  /** Longest a frame waits for metadata that has not arrived (default 0.5 s). */
  maxWait?: number;
  /** Most frames waiting at once; one more sends the oldest on without what it waits for (default 64). */
  maxPending?: number;
  /** Most values kept per channel; one more drops the oldest (default 1000, PvaPy's metadata queue size). */
  capacity?: number;
  /** Told when a channel falls behind the frames (frames stop waiting for it) and when it sends again. */
  logger?: Logger;
}

/** A metadata value as a source hands it over. */
export interface MetadataUpdate {
  /** The value's own time stamp, seconds since the POSIX epoch (see {@link secondsOf}). */
  time: number;
  /** The value. */
  value: Value;
  /** Its pvData type. */
  type: FieldDesc;
}

/**
 * Seconds since the epoch of a pvAccess or Channel Access time stamp, as one double: exact to about
 * 0.25 µs for present-day dates, far below any useful tolerance.
 * @example
 * ```ts
 * import { secondsOf } from "./associator.ts";
 * secondsOf({ secondsPastEpoch: 10n, nanoseconds: 500_000_000 }); // 10.5
 * ```
 */
export function secondsOf(stamp: { secondsPastEpoch: bigint | number; nanoseconds: number }): number {
  return Number(stamp.secondsPastEpoch) + stamp.nanoseconds / 1e9;
}

interface Channel {
  name: string;
  buffer: SampleBuffer;
  counters: ChannelCounters;
  /**
   * A frame went on before this channel had a value at or after it, and no value has come since:
   * the next frames do not wait for it, so that a silent or lagging channel delays one frame, not
   * every frame.
   */
  silent: boolean;
}

interface PendingFrame {
  target: MetadataTarget;
  time: number;
  deadline: number;
  resolve: () => void;
}

/**
 * Matches frames with the values of metadata channels. It does no input of its own: sources call
 * {@link MetadataAssociator.offer}, the frame path calls {@link MetadataAssociator.attach}.
 * @example
 * ```ts
 * import { MetadataAssociator } from "./associator.ts";
 * import { scalar } from "../../protocol/pvdata/types.ts";
 * const assoc = new MetadataAssociator(["motor:x"], { tolerance: 0.001 });
 * assoc.offer(0, { time: 100.0002, value: 1.5, type: scalar("float64") });
 * const frame = { timeStamp: { secondsPastEpoch: 100n, nanoseconds: 0, userTag: 0 }, attributes: {} };
 * assoc.attach(frame); // undefined: the value was there, nothing to wait for
 * frame.attributes; // { "motor:x": 1.5 }
 * assoc.close();
 * ```
 */
export class MetadataAssociator {
  /** Channel names, in order: attribute names and `metadataStats_<n>` order. */
  readonly channels: readonly string[];
  readonly #channels: Channel[];
  readonly #tolerance: number;
  readonly #offset: number;
  readonly #maxWaitMs: number;
  readonly #maxPending: number;
  readonly #pending: PendingFrame[] = [];
  readonly #logger: Logger;
  /** Values older than this can match no frame still to come. */
  #horizon = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /**
   * An association of frames with the values of `channels`.
   * @param channels the channel names (each also names the attribute its values fill)
   * @param options tolerance, offset, wait and sizes
   * @throws {RangeError} for a negative tolerance or wait, or sizes below 1
   */
  constructor(
    channels: readonly string[],
    {
      tolerance = 0.001,
      offset = 0,
      maxWait = 0.5,
      maxPending = 64,
      capacity = 1000,
      logger = silentLogger,
    }: AssociationOptions = {},
  ) {
    if (!(tolerance >= 0)) throw new RangeError(`metadata tolerance must be >= 0 s, not ${tolerance}`);
    if (!Number.isFinite(offset)) throw new RangeError(`metadata offset must be a number of seconds`);
    if (!(maxWait >= 0)) throw new RangeError(`metadata wait must be >= 0 s, not ${maxWait}`);
    if (!(Number.isSafeInteger(maxPending) && maxPending >= 1)) {
      throw new RangeError(`most frames waiting for metadata must be a positive integer, not ${maxPending}`);
    }
    this.channels = [...channels];
    this.#channels = channels.map((name) => ({
      name,
      buffer: new SampleBuffer(capacity),
      counters: new ChannelCounters(),
      silent: false,
    }));
    this.#tolerance = tolerance;
    this.#offset = offset;
    this.#maxWaitMs = maxWait * 1000;
    this.#maxPending = maxPending;
    this.#logger = logger;
  }

  /** Frames waiting for metadata now. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * A value of channel `index` arrived.
   * @param index the channel's position in {@link MetadataAssociator.channels}
   */
  offer(index: number, update: MetadataUpdate): void {
    const ch = this.#channels[index];
    ch.counters.received++;
    if (ch.silent) {
      ch.silent = false;
      this.#logger.info("metadata channel sends again: frames wait for it again", { channel: ch.name });
    }
    const time = update.time + this.#offset;
    if (time < this.#horizon) {
      ch.counters.discarded++;
      return;
    }
    if (ch.buffer.add({ time, value: update.value, type: update.type })) ch.counters.evicted++;
    if (this.#pending.length > 0) this.#drain();
  }

  /** An update of channel `index` had no usable value or time stamp. */
  invalid(index: number): void {
    const c = this.#channels[index].counters;
    c.received++;
    c.invalid++;
  }

  /** `lost` updates of channel `index` were folded away before reaching us. */
  overrun(index: number, lost = 1): void {
    this.#channels[index].counters.overruns += lost;
  }

  /**
   * Adds to `target` the value of each channel matching its time stamp. Targets are completed in
   * the order they are given.
   * @returns undefined when done at once; else a promise that resolves once every channel's value
   *   is there or known not to come, or the wait ended (never rejects)
   */
  attach(target: MetadataTarget): Promise<void> | undefined {
    const time = secondsOf(target.timeStamp);
    if (this.#pending.length === 0 && this.#ready(time)) {
      this.#complete(target, time);
      return undefined;
    }
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#pending.push({ target, time, deadline: performance.now() + this.#maxWaitMs, resolve });
    if (this.#pending.length > this.#maxPending) this.#completeHead();
    this.#drain();
    return promise;
  }

  /** One `metadataStats_<n>` block per channel, in channel order. */
  stats(): MetadataStats[] {
    return this.#channels.map((c, i) => c.counters.block(i + 1, c.name, c.buffer.length));
  }

  /** Zeroes the counts (values waiting stay). */
  resetStats(): void {
    for (const c of this.#channels) c.counters.reset();
  }

  /** Completes every waiting frame with what is there, and from now on every frame at once. */
  close(): void {
    this.#closed = true;
    this.#drain();
  }

  /**
   * Whether a frame at `time` has nothing left to wait for: every channel has a value at or after
   * it (values come in time order, so none nearer can still come), or is silent.
   */
  #ready(time: number): boolean {
    if (this.#closed) return true;
    for (const c of this.#channels) {
      if (!c.silent && c.buffer.newestTime < time) return false;
    }
    return true;
  }

  /** Completes the frames at the head that are ready or out of time, then waits for the next. */
  #drain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = performance.now();
    while (this.#pending.length > 0) {
      const head = this.#pending[0];
      if (!this.#ready(head.time) && now < head.deadline) break;
      this.#completeHead();
    }
    if (this.#pending.length > 0) {
      this.#timer = setTimeout(() => this.#drain(), Math.max(0, this.#pending[0].deadline - now));
    }
  }

  #completeHead(): void {
    const head = this.#pending.shift()!;
    this.#complete(head.target, head.time);
    head.resolve();
  }

  #complete(target: MetadataTarget, time: number): void {
    const tolerance = this.#tolerance;
    for (const c of this.#channels) {
      // Completed before a value at or after the frame came: the channel lags (or is silent).
      if (c.buffer.newestTime < time && !c.silent) {
        c.silent = true;
        this.#logger.warn(
          "metadata channel is behind the frames: frames stop waiting for it until it sends",
          {
            channel: c.name,
          },
        );
      }
      const sample = c.buffer.takeNearest(time, tolerance);
      if (sample) {
        target.attributes[c.name] = sample.value;
        (target.attributeTypes ??= {})[c.name] = sample.type;
        c.counters.delivered++;
        c.counters.matched++;
      } else c.counters.unmatched++;
    }
    this.#horizon = Math.max(this.#horizon, time - tolerance);
    for (const c of this.#channels) c.counters.discarded += c.buffer.dropBefore(this.#horizon);
  }
}
