/**
 * When the collector releases, and what it counts: PvaPy's rule on top of the {@link ReorderCache}.
 * While the cache holds at least its capacity, runs are released one after another; when nothing
 * has changed in the cache for the idle time (5 s, PvaPy's processing thread timeout), one run is
 * released and the idle time starts again; at the end everything left is released. Collected,
 * rejected and missed updates are counted, and the missed ids kept as bounded ranges.
 *
 * @module
 */
import { type IdRange, IdRanges } from "../stats/mod.ts";
import { type AddOutcome, type CachedUpdate, type Release, ReorderCache } from "./reorder_cache.ts";

/** PvaPy's wait before releasing from a cache that is not full. */
export const DEFAULT_IDLE_MS = 5000;

/** Options of a {@link Collection}. */
export interface CollectionOptions {
  /** Updates the cache holds before it must release (see `cacheCapacity`). */
  capacity: number;
  /** Milliseconds without a change after which one run is released from a cache that is not full. */
  idleMs?: number;
  /** Milliseconds on a monotonic clock. */
  clock?: () => number;
  /** Most missed-id ranges kept (the count stays exact). Default 256. */
  maxMissedRanges?: number;
}

/** The collection counts at one moment. */
export interface CollectionCounts {
  /** Updates released in order (PvaPy's nCollected). */
  collected: number;
  /** Updates refused: id already released, or a repeat from the same producer (nRejected). */
  rejected: number;
  /** Ids that never arrived before a later run was released (nMissed). */
  missed: number;
  /** Updates waiting in the cache (nCached). */
  cached: number;
  /** The missed ids, oldest first (bounded). */
  missedIds: IdRange[];
}

/**
 * A cache with PvaPy's release rule and counts.
 * @example
 * ```ts
 * import { Collection } from "./collection.ts";
 * const c = new Collection<string>({ capacity: 2 });
 * c.add({ id: 2, producerId: 2, item: "b" });
 * c.releaseDue(); // []: one update cached, capacity 2
 * c.add({ id: 1, producerId: 1, item: "a" });
 * c.releaseDue()[0].updates.map((u) => u.item); // ["a", "b"]
 * ```
 */
export class Collection<T> {
  readonly #cache = new ReorderCache<T>();
  readonly #idleMs: number;
  readonly #clock: () => number;
  readonly #missed: IdRanges;
  #capacity: number;
  #changed: number;
  #collected = 0;
  #rejected = 0;

  /** An empty collection. */
  constructor(
    { capacity, idleMs = DEFAULT_IDLE_MS, clock = () => performance.now(), maxMissedRanges = 256 }:
      CollectionOptions,
  ) {
    this.#capacity = checkedCapacity(capacity);
    this.#idleMs = idleMs;
    this.#clock = clock;
    this.#missed = new IdRanges({ maxRanges: maxMissedRanges });
    this.#changed = clock();
  }

  /** The cache's capacity (`collectorCacheSize`). */
  get capacity(): number {
    return this.#capacity;
  }
  set capacity(n: number) {
    this.#capacity = checkedCapacity(n);
  }

  /** Updates waiting. */
  get cached(): number {
    return this.#cache.size;
  }

  /** Caches an update, or counts it rejected. */
  add(update: CachedUpdate<T>): AddOutcome {
    const outcome = this.#cache.add(update);
    if (outcome === "cached") this.#changed = this.#clock();
    else this.#rejected++;
    return outcome;
  }

  /** The runs to release because the cache is full (none when it is not). */
  releaseDue(): Release<T>[] {
    const out: Release<T>[] = [];
    while (this.#cache.size >= this.#capacity) out.push(this.#release()!);
    return out;
  }

  /** One run when the cache has not changed for the idle time, else none. */
  releaseIdle(): Release<T> | undefined {
    if (this.#cache.size === 0 || this.#clock() - this.#changed < this.#idleMs) return undefined;
    return this.#release();
  }

  /** Every run left, in order (at the end of a run). */
  releaseAll(): Release<T>[] {
    const out: Release<T>[] = [];
    while (this.#cache.size > 0) out.push(this.#release()!);
    return out;
  }

  /** The counts now (allocates: once per report). */
  counts(): CollectionCounts {
    return {
      collected: this.#collected,
      rejected: this.#rejected,
      missed: this.#missed.count,
      cached: this.#cache.size,
      missedIds: this.#missed.toArray(),
    };
  }

  /** Zeroes the counts and starts a new id sequence (`reset_stats`); cached updates stay. */
  reset(): void {
    this.#collected = 0;
    this.#rejected = 0;
    this.#missed.clear();
    this.#cache.restart();
  }

  #release(): Release<T> | undefined {
    const r = this.#cache.release();
    if (!r) return undefined;
    this.#collected += r.updates.length;
    if (r.missed) this.#missed.addRange(r.missed.first, r.missed.last);
    this.#changed = this.#clock();
    return r;
  }
}

function checkedCapacity(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`collector cache capacity must be >= 1, not ${n}`);
  return n;
}
