/**
 * The consumer's side of a subscription, shared by the pvAccess and Channel Access clients:
 * events wait here until an awaited `next()` takes them, and the end (clean or with an
 * error) is reported after what was queued before it.
 * @module
 */

/** Options of an {@link EventInbox}. */
export interface EventInboxOptions<T> {
  /** Called as `next()` takes an item, before it is returned (flow control, counters). */
  onTake?: (item: T) => void;
}

/**
 * A queue of events for one awaiting consumer. The owner folds events into
 * {@link EventInbox.last} when its own bound says so; the inbox itself is unbounded.
 * @example
 * ```ts
 * import { EventInbox } from "./event_inbox.ts";
 * const inbox = new EventInbox<number>();
 * inbox.push(1);
 * inbox.end();
 * console.log(await inbox.next()); // { value: 1, done: false }
 * console.log(await inbox.next()); // { value: undefined, done: true }
 * ```
 */
export class EventInbox<T> {
  #items: T[] = [];
  /** Pending `next()` calls waiting for an item or the end. */
  #waiters: (() => void)[] = [];
  /** The error the next `next()` throws once the queue is empty; null when none. */
  #error: unknown = null;
  #ended = false;
  readonly #onTake?: (item: T) => void;

  /** @param options what to do as items are taken */
  constructor(options: EventInboxOptions<T> = {}) {
    this.#onTake = options.onTake;
  }

  /** True once {@link end} or {@link fail} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The newest queued item, for folding a newer event into it. */
  get last(): T | undefined {
    return this.#items.at(-1);
  }

  /** The queued items, oldest first. */
  get queued(): readonly T[] {
    return this.#items;
  }

  /** Queues `item` and wakes a waiting `next()`. */
  push(item: T): void {
    this.#items.push(item);
    this.#wakeAll();
  }

  /** Drops every queued item. */
  clear(): void {
    this.#items = [];
  }

  /**
   * No more items: `next()` returns what is queued, then throws `error` (if any and no other
   * error is pending), then reports done.
   * @returns true when this call ended the inbox (false when it had ended already)
   */
  end(error: unknown = null): boolean {
    this.#error ??= error ?? null;
    const first = !this.#ended;
    this.#ended = true;
    this.#wakeAll();
    return first;
  }

  /**
   * Ends at once: queued items are dropped and the next `next()` throws `reason`, in place
   * of any error pending.
   * @returns true when this call ended the inbox (false when it had ended already)
   */
  fail(reason: unknown): boolean {
    this.clear();
    this.#error = reason;
    return this.end();
  }

  /** The next item; done once ended and empty; throws the error the inbox ended with, once. */
  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        this.#onTake?.(item);
        return { value: item, done: false };
      }
      if (this.#error !== null) {
        const e = this.#error;
        this.#error = null;
        throw e;
      }
      if (this.#ended) return { value: undefined, done: true };
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #wakeAll(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
