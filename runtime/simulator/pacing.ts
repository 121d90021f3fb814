/**
 * Pacing: frame n is due at start + n / rate, so the rate holds on average whatever one frame's timer
 * did; a late frame goes out at once (back to back) until the schedule is met again.
 *
 * @module
 */

/** Timers fire up to about a millisecond late; a frame due sooner than this goes out now. */
const TIMER_SLACK_MS = 1;

/** Options of a {@link Pacer}. */
export interface PacerOptions {
  /** Frames per second; 0 never waits. */
  frameRate: number;
  /** Clock in milliseconds (default `performance.now`). */
  now?: () => number;
}

/**
 * Waits for each frame's due time.
 * @example
 * ```ts
 * import { Pacer } from "./pacing.ts";
 * const pacer = new Pacer({ frameRate: 1000 });
 * pacer.start();
 * for (let n = 0; n < 3; n++) await pacer.wait(n); // about 2 ms in all
 * pacer.close();
 * ```
 */
export class Pacer {
  readonly #periodMs: number;
  readonly #now: () => number;
  #startMs = 0;
  // A message round trip is a macrotask that lets socket I/O run between back-to-back frames without
  // the 4 ms clamp that nested zero-delay timers get.
  #channel: MessageChannel | null = null;

  /**
   * A pacer; call {@link Pacer.start} when frame 0 goes out.
   * @param options the rate and the clock
   */
  constructor({ frameRate, now = () => performance.now() }: PacerOptions) {
    this.#periodMs = frameRate > 0 ? 1000 / frameRate : 0;
    this.#now = now;
  }

  /** Makes now the due time of frame 0. */
  start(): void {
    this.#startMs = this.#now();
  }

  /** When frame `n` (0-based) is due, on the pacer's clock. */
  dueAt(n: number): number {
    return this.#startMs + n * this.#periodMs;
  }

  /** Resolves when frame `n` is due (at once, after letting I/O run, when it is already late), or on abort. */
  wait(n: number, signal?: AbortSignal): Promise<void> {
    const delay = this.dueAt(n) - this.#now();
    if (delay >= TIMER_SLACK_MS) return sleep(delay, signal);
    return this.#yield();
  }

  /** Releases the message channel used to yield. */
  close(): void {
    this.#channel?.port1.close();
    this.#channel?.port2.close();
    this.#channel = null;
  }

  #yield(): Promise<void> {
    const channel = this.#channel ??= new MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  }
}

/**
 * Resolves after `ms` milliseconds, or as soon as `signal` aborts.
 * @example
 * ```ts
 * import { sleep } from "./pacing.ts";
 * await sleep(5);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
