/**
 * The values of one metadata channel waiting for their frames: a bounded buffer ordered by time
 * stamp. Values arrive in time order nearly always, so adding is an append, and the oldest leave
 * from the front; a value out of order is put in its place.
 *
 * @module
 */
import type { FieldDesc, Value } from "../../protocol/pvdata/types.ts";

/** One metadata value as it waits for a frame. */
export interface MetadataSample {
  /** Its time stamp in seconds since the epoch, the metadata offset already added. */
  time: number;
  /** The value. */
  value: Value;
  /** Its pvData type (the frame attribute gets it). */
  type: FieldDesc;
}

/** Removed entries at the front that make the backing array worth compacting. */
const COMPACT_AT = 64;

/** A time-ordered buffer of at most `capacity` samples. */
export class SampleBuffer {
  /** Most samples kept; adding one more drops the oldest. */
  readonly capacity: number;
  #items: MetadataSample[] = [];
  #head = 0;

  /**
   * An empty buffer.
   * @param capacity most samples kept (at least 1)
   */
  constructor(capacity: number) {
    if (!(Number.isSafeInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`metadata buffer capacity must be a positive integer, not ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Samples held. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Time of the newest sample; -Infinity when empty. */
  get newestTime(): number {
    return this.length > 0 ? this.#items[this.#items.length - 1].time : -Infinity;
  }

  /**
   * Adds a sample in time order.
   * @returns the oldest sample when the buffer was full and it had to go, else undefined
   */
  add(sample: MetadataSample): MetadataSample | undefined {
    const items = this.#items;
    if (this.length === 0 || sample.time >= items[items.length - 1].time) items.push(sample);
    else items.splice(this.#lowerBound(sample.time), 0, sample);
    return this.length > this.capacity ? this.#shift() : undefined;
  }

  /**
   * Takes out the sample nearest to `time` if it lies within `tolerance` of it (the earlier of two
   * equally near).
   */
  takeNearest(time: number, tolerance: number): MetadataSample | undefined {
    const i = this.#nearest(time);
    if (i < 0) return undefined;
    const sample = this.#items[i];
    if (Math.abs(sample.time - time) > tolerance) return undefined;
    if (i === this.#head) return this.#shift();
    this.#items.splice(i, 1);
    return sample;
  }

  /**
   * Removes every sample older than `time`.
   * @returns how many were removed
   */
  dropBefore(time: number): number {
    let n = 0;
    while (this.length > 0 && this.#items[this.#head].time < time) {
      this.#shift();
      n++;
    }
    return n;
  }

  /** Removes everything. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }

  #shift(): MetadataSample {
    const sample = this.#items[this.#head++];
    if (this.#head >= COMPACT_AT && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return sample;
  }

  /** Index of the sample nearest to `time` (the earlier of two equally near); -1 when empty. */
  #nearest(time: number): number {
    if (this.length === 0) return -1;
    const i = this.#lowerBound(time);
    const items = this.#items;
    const earlierIsNearer = i > this.#head &&
      (i === items.length || time - items[i - 1].time <= items[i].time - time);
    return earlierIsNearer ? i - 1 : i;
  }

  /** First index (from the head) whose time is >= `time`; the end when none. */
  #lowerBound(time: number): number {
    let lo = this.#head;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#items[mid].time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
