/**
 * The receiver queue between the input and the processor, with PvaPy's sizes: 0 is
 * unbounded, N holds at most N items and refuses the next (the caller counts it: the
 * consumer's accounting holds PvaPy's queueStats). Items leave one at a time, or in batches
 * of `accumulate` once that many wait or once the accumulation timeout has passed since the
 * last arrival.
 *
 * @module
 */

/** Options of a {@link ReceiverQueue}. */
export interface ReceiverQueueOptions {
  /** 0: unbounded; N: at most N items. */
  size: number;
  /** Items per batch; 1 or less: one at a time. */
  accumulate?: number;
  /** Milliseconds after the last arrival after which a partial batch is handed out. */
  accumulationTimeoutMs?: number;
}

/**
 * A bounded FIFO with batching.
 * @example
 * ```ts
 * import { ReceiverQueue } from "./queue.ts";
 * const q = new ReceiverQueue<number>({ size: 2 });
 * q.offer(1); q.offer(2);
 * q.offer(3); // false: full
 * await q.take(); // [1]
 * ```
 */
export class ReceiverQueue<T> {
  #items: T[] = [];
  #head = 0;
  #size: number;
  readonly #accumulate: number;
  readonly #timeoutMs: number;
  #lastArrival = 0;
  #waiter: (() => void) | null = null;
  #closed = false;

  /** @param opts size, batch size and batch timeout */
  constructor({ size, accumulate = 1, accumulationTimeoutMs = 1000 }: ReceiverQueueOptions) {
    this.#size = size;
    this.#accumulate = Math.max(1, accumulate);
    this.#timeoutMs = accumulationTimeoutMs;
  }

  /** Items waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The bound (0: none). Shrinking it keeps items already queued. */
  get size(): number {
    return this.#size;
  }
  set size(n: number) {
    this.#size = n;
  }

  /** Adds an item; false when the queue is full or closed. */
  offer(item: T): boolean {
    if (this.#closed || (this.#size > 0 && this.length >= this.#size)) return false;
    this.#items.push(item);
    this.#lastArrival = performance.now();
    this.#wake();
    return true;
  }

  /**
   * The next batch: one item, or `accumulate` items (fewer once the accumulation timeout
   * has passed since the last arrival, or when closed). Null once closed and empty.
   */
  async take(): Promise<T[] | null> {
    for (;;) {
      const n = this.length;
      if (n >= this.#accumulate || (n > 0 && (this.#closed || this.#timedOut()))) return this.#shift();
      if (n === 0 && this.#closed) return null;
      await this.#wait(n > 0 ? this.#timeoutMs - (performance.now() - this.#lastArrival) : undefined);
    }
  }

  /** Ends the queue: waiting items are still handed out, new ones are rejected. */
  close(): void {
    this.#closed = true;
    this.#wake();
  }

  #timedOut(): boolean {
    return performance.now() - this.#lastArrival >= this.#timeoutMs;
  }

  #shift(): T[] {
    const n = Math.min(this.length, this.#accumulate);
    const batch = this.#items.slice(this.#head, this.#head + n);
    this.#head += n;
    // Compact now and then instead of shifting on every take.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }

  #wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        if (this.#waiter === done) this.#waiter = null;
        resolve();
      };
      if (timeoutMs !== undefined) timer = setTimeout(done, Math.max(0, timeoutMs));
      this.#waiter = done;
    });
  }

  #wake(): void {
    this.#waiter?.();
  }
}
