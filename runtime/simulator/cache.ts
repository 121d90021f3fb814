/**
 * The frame cache, with PvaPy's rule: when every distinct frame fits (count <= cache size) the frames
 * are made once and published over and over; otherwise each is made when due, published once, and
 * publishing ends after the last.
 *
 * @module
 */
import type { Frame, FrameSource } from "./frame.ts";

/** Hands out the frame of each publication in turn. */
export class FrameCache {
  /** True when the frames are kept and repeat; false when each is published once. */
  readonly repeats: boolean;
  readonly #source: FrameSource;
  readonly #kept: Frame[] = [];
  #next = 0;

  /**
   * Makes every frame now when they fit in `size`.
   * @param source the distinct frames
   * @param size how many frames may be kept
   */
  constructor(source: FrameSource, size: number) {
    this.#source = source;
    this.repeats = source.count <= size;
    if (this.repeats) { for (let i = 0; i < source.count; i++) this.#kept.push(source.frame(i)); }
  }

  /** The frame to publish next, or null when a run of unkept frames is over. */
  next(): Frame | null {
    const i = this.#next++;
    if (this.repeats) return this.#kept[i % this.#kept.length];
    return i < this.#source.count ? this.#source.frame(i) : null;
  }
}
