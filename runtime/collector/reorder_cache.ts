/**
 * The collector's cache and its release rule, as PvaPy's `DataCollector` applies it: updates from
 * every producer wait here keyed by object id; a release takes the longest run of consecutive ids
 * starting at the lowest cached id, and the ids between the previously released one and that run
 * are missed. An id not above the last released one can no longer be put in order: it is rejected.
 *
 * When to release (cache full, idle) is the collector's decision; this class only keeps order.
 *
 * @module
 */
import type { IdRange } from "../stats/mod.ts";

/** One cached update. */
export interface CachedUpdate<T> {
  /** Its object id. */
  id: number;
  /** The producer it came from. */
  producerId: number;
  /** The update itself. */
  item: T;
}

/**
 * What {@link ReorderCache.add} did with an update: cached it, or refused it because its id is not
 * above the last released one (`late`) or because that producer's update with that id is already
 * cached (`duplicate`, e.g. a monitor's initial value after a reconnect).
 */
export type AddOutcome = "cached" | "late" | "duplicate";

/** One release: a run of consecutive ids, and the ids skipped before it. */
export interface Release<T> {
  /** Ascending ids; updates sharing an id (tiles of one frame) in arrival order. */
  updates: CachedUpdate<T>[];
  /** Ids between the previous release and this run that never arrived. */
  missed?: IdRange;
}

/**
 * Updates ordered by object id, released in runs.
 * @example
 * ```ts
 * import { ReorderCache } from "./reorder_cache.ts";
 * const cache = new ReorderCache<string>();
 * cache.add({ id: 2, producerId: 2, item: "b" });
 * cache.add({ id: 1, producerId: 1, item: "a" });
 * cache.add({ id: 5, producerId: 1, item: "e" });
 * cache.release()?.updates.map((u) => u.id); // [1, 2]
 * cache.release()?.missed; // { first: 3, last: 4 }
 * ```
 */
export class ReorderCache<T> {
  /** Distinct cached ids, ascending. */
  #ids: number[] = [];
  readonly #byId = new Map<number, CachedUpdate<T>[]>();
  #size = 0;
  #lastReleased: number | undefined;

  /** Updates cached (PvaPy's nCached). */
  get size(): number {
    return this.#size;
  }

  /** The highest id released so far; undefined before the first release or after {@link restart}. */
  get lastReleased(): number | undefined {
    return this.#lastReleased;
  }

  /**
   * Caches an update unless its id is already released (PvaPy rejects those too; unlike PvaPy, a late
   * id is rejected even when the cache is empty, so released ids always rise and an id named missed is
   * never released afterwards).
   */
  add(update: CachedUpdate<T>): AddOutcome {
    const { id } = update;
    if (this.#lastReleased !== undefined && id <= this.#lastReleased) return "late";
    const same = this.#byId.get(id);
    if (same) {
      if (same.some((u) => u.producerId === update.producerId)) return "duplicate";
      same.push(update);
    } else {
      this.#byId.set(id, [update]);
      this.#ids.splice(this.#insertionIndex(id), 0, id);
    }
    this.#size++;
    return "cached";
  }

  /** Takes the longest run of consecutive ids from the lowest cached one; undefined when empty. */
  release(): Release<T> | undefined {
    const ids = this.#ids;
    if (ids.length === 0) return undefined;
    const first = ids[0];
    let n = 1;
    while (n < ids.length && ids[n] === first + n) n++;
    const updates: CachedUpdate<T>[] = [];
    for (const id of ids.slice(0, n)) {
      const same = this.#byId.get(id)!;
      this.#byId.delete(id);
      updates.push(...same);
    }
    ids.splice(0, n);
    this.#size -= updates.length;
    const last = this.#lastReleased;
    this.#lastReleased = first + n - 1;
    const missed = last !== undefined && first > last + 1 ? { first: last + 1, last: first - 1 } : undefined;
    return missed ? { updates, missed } : { updates };
  }

  /** Forgets the last released id (PvaPy's resetStats): the next ids start a new sequence. */
  restart(): void {
    this.#lastReleased = undefined;
  }

  #insertionIndex(id: number): number {
    const ids = this.#ids;
    // Ids mostly arrive near the top: look there first.
    if (ids.length === 0 || id > ids[ids.length - 1]) return ids.length;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * PvaPy's cache size: a negative request means 10 per producer, and no size is below the number of
 * producers.
 * @param requested `--collector-cache-size` (or the configure key)
 * @param producers how many producers the collector monitors
 * @example
 * ```ts
 * import { cacheCapacity } from "./reorder_cache.ts";
 * [cacheCapacity(-1, 2), cacheCapacity(1, 2), cacheCapacity(50, 2)]; // [20, 2, 50]
 * ```
 */
export function cacheCapacity(requested: number, producers: number): number {
  const minimum = requested < 0 ? producers * 10 : producers;
  return Math.max(requested, minimum);
}

/**
 * PvaPy's per-producer receiver queue size: -1 (none) and 0 (unbounded) stay; a bound is at least ten
 * times the cache size.
 * @example
 * ```ts
 * import { producerQueueSize } from "./reorder_cache.ts";
 * [producerQueueSize(-1, 20), producerQueueSize(5, 20), producerQueueSize(500, 20)]; // [-1, 200, 500]
 * ```
 */
export function producerQueueSize(requested: number, capacity: number): number {
  return requested <= 0 ? requested : Math.max(requested, capacity * 10);
}
