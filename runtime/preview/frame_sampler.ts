/**
 * A preview source for owners whose frames do not stay readable: a consumer hands each frame to its
 * processor, and the frame's buffer goes with it. {@link FrameSampler.offer} is called with every frame
 * before that; at most `maxPerSecond` times a second it keeps a sampled copy (at most 256 × 256 pixels, a
 * millisecond or so), otherwise it only reads the clock.
 *
 * @module
 */
import type { PreviewSource } from "./frame_preview.ts";
import { type FrameLike, PreviewError, sampleFrame } from "./sample.ts";

/** Options of {@link FrameSampler}. */
export interface FrameSamplerOptions {
  /** Samples kept per second at most (2). */
  maxPerSecond?: number;
  /** Longest side of the sample in pixels (256). */
  maxSize?: number;
  /** Milliseconds on a monotonic clock (performance.now). */
  clock?: () => number;
}

/**
 * Keeps a sampled copy of the newest frame offered, a few times a second.
 * @example
 * ```ts ignore
 * const sampler = new FrameSampler();
 * const consumer = await Consumer.start(id, opts, { ...context, onFrame: (f) => sampler.offer(f) });
 * await serveHttp({ port, target: consumer, status: consumer.statusProvider, preview: sampler });
 * ```
 */
export class FrameSampler implements PreviewSource {
  readonly #intervalMs: number;
  readonly #maxSize: number;
  readonly #clock: () => number;
  #sampledAt = -Infinity;
  #latest: FrameLike | undefined;
  #problem: PreviewError | undefined;

  /**
   * A sampler with nothing sampled yet.
   * @throws {RangeError} when `maxPerSecond` is not positive
   */
  constructor(
    { maxPerSecond = 2, maxSize = 256, clock = () => performance.now() }: FrameSamplerOptions = {},
  ) {
    if (!(maxPerSecond > 0)) throw new RangeError(`sample rate must be > 0 per second, not ${maxPerSecond}`);
    this.#intervalMs = 1000 / maxPerSecond;
    this.#maxSize = maxSize;
    this.#clock = clock;
  }

  /** Offers a frame; sampled when the last sample is older than 1 / maxPerSecond. Never throws for a bad frame. */
  offer(frame: FrameLike): void {
    const now = this.#clock();
    if (now - this.#sampledAt < this.#intervalMs) return;
    this.#sampledAt = now;
    try {
      this.#latest = sampleFrame(frame, { maxSize: this.#maxSize });
      this.#problem = undefined;
    } catch (e) {
      if (!(e instanceof PreviewError)) throw e;
      this.#latest = undefined;
      this.#problem = e;
    }
  }

  /**
   * The last sample, or undefined before the first frame.
   * @throws {PreviewError} when the last frame offered could not be sampled (the preview tells why)
   */
  latest(): FrameLike | undefined {
    if (this.#problem) throw this.#problem;
    return this.#latest;
  }
}
