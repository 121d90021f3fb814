/**
 * When to search for each channel not yet found, shared by the pvAccess and Channel Access
 * clients: one timer for all of them, set to the earliest due search, so that channels due
 * together go out in the same datagrams. Each protocol keeps its own retry delays.
 * @module
 */

/** Options of a {@link SearchSchedule}. */
export interface SearchScheduleOptions<T> {
  /** Delay after the `attempt`-th search of an item (1, 2, ...) before the next one. */
  retryMs: (attempt: number) => number;
  /** Sends the searches of the items due now (possibly none); `now` is performance.now(). */
  onDue: (due: T[], now: number) => void;
}

interface Pending<T> {
  item: T;
  attempts: number;
  due: number;
}

/**
 * Items searched for until removed, each first after the delay it was added with, then
 * after the protocol's retry delays.
 * @example
 * ```ts
 * import { SearchSchedule } from "./search_schedule.ts";
 * const sent: string[] = [];
 * const schedule = new SearchSchedule<string>({ retryMs: () => 1000, onDue: (due) => sent.push(...due) });
 * schedule.add(1, "pv:x", 0);
 * await new Promise((resolve) => setTimeout(resolve, 20));
 * schedule.close();
 * console.log(sent); // [ "pv:x" ]
 * ```
 */
export class SearchSchedule<T> {
  readonly #options: SearchScheduleOptions<T>;
  readonly #pending = new Map<number, Pending<T>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** performance.now() the timer fires at; Infinity when it is not set. */
  #timerAt = Infinity;
  #closed = false;

  /** @param options retry delays and what to do with due items */
  constructor(options: SearchScheduleOptions<T>) {
    this.#options = options;
  }

  /** Number of items searched for. */
  get size(): number {
    return this.#pending.size;
  }

  /** Searches for `item` under `id` (replacing one there), first after `delayMs`; ignored once closed. */
  add(id: number, item: T, delayMs: number): void {
    if (this.#closed) return;
    this.#pending.set(id, { item, attempts: 0, due: performance.now() + delayMs });
    this.#schedule(delayMs);
  }

  /** Stops searching for the item under `id`; true when there was one. */
  remove(id: number): boolean {
    return this.#pending.delete(id);
  }

  /** Makes every item due now (a server to ask has just appeared). */
  hurry(): void {
    const now = performance.now();
    for (const p of this.#pending.values()) p.due = Math.min(p.due, now);
    if (this.#pending.size > 0) this.#schedule(0);
  }

  /** Forgets every item and stops the timer for good. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#pending.clear();
  }

  /** Sets the timer to fire in `delayMs` unless it fires sooner already. */
  #schedule(delayMs: number): void {
    const at = performance.now() + Math.max(0, delayMs);
    if (this.#closed || at >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, delayMs));
  }

  /** Hands over the due items, gives each its next due time, and sets the timer for the earliest. */
  #tick(): void {
    this.#timerAt = Infinity;
    const now = performance.now();
    const due: T[] = [];
    let next = Infinity;
    for (const p of this.#pending.values()) {
      if (p.due <= now + 1) {
        p.attempts++;
        p.due = now + this.#options.retryMs(p.attempts);
        due.push(p.item);
      }
      next = Math.min(next, p.due);
    }
    this.#options.onDue(due, now);
    if (next < Infinity) this.#schedule(next - now);
  }
}
