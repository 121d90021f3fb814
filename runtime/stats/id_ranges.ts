/**
 * A compact, bounded record of object ids as ranges: missed frames are named without keeping one entry per
 * frame, and a peer that skips every other id cannot make the record grow without limit.
 *
 * @module
 */

/** An inclusive range of object ids. */
export interface IdRange {
  /** First id of the range. */
  first: number;
  /** Last id of the range (>= first). */
  last: number;
}

/** Options of an {@link IdRanges}. */
export interface IdRangesOptions {
  /** Most ranges kept; beyond it the oldest ranges are forgotten (their ids stay counted). Default 256. */
  maxRanges?: number;
}

/**
 * Ids kept as ranges in the order added. Adding an id next to the newest range extends it, so a run of
 * consecutive misses costs one entry. The count stays exact when old ranges are dropped.
 *
 * @example
 * ```ts
 * import { IdRanges } from "./id_ranges.ts";
 * const missed = new IdRanges();
 * missed.addRange(5, 7);
 * missed.add(8);
 * missed.add(12);
 * missed.toArray(); // [{ first: 5, last: 8 }, { first: 12, last: 12 }]
 * missed.count; // 5
 * ```
 */
export class IdRanges {
  readonly #max: number;
  // Flat pairs [first0, last0, first1, last1, ...]; numbers only, so adding does not allocate per id.
  #bounds: number[] = [];
  #count = 0;
  #dropped = 0;

  /**
   * An empty record.
   * @param options the bound on the number of ranges kept
   */
  constructor({ maxRanges = 256 }: IdRangesOptions = {}) {
    if (!Number.isInteger(maxRanges) || maxRanges < 1) {
      throw new RangeError(`maxRanges must be a positive integer, not ${maxRanges}`);
    }
    this.#max = maxRanges;
  }

  /** Ids added in total, including those of ranges no longer kept. */
  get count(): number {
    return this.#count;
  }

  /** Ids whose ranges were forgotten to respect the bound. */
  get droppedCount(): number {
    return this.#dropped;
  }

  /** Adds one id. */
  add(id: number): void {
    this.addRange(id, id);
  }

  /**
   * Adds the ids `first..last` (inclusive). A range starting right after the newest one extends it; any
   * other starts a new range (ids restart when a source restarts, so order is not assumed).
   */
  addRange(first: number, last: number): void {
    if (last < first) throw new RangeError(`id range ${first}..${last} is empty`);
    const b = this.#bounds;
    const n = b.length;
    this.#count += last - first + 1;
    if (n > 0 && first === b[n - 1] + 1) {
      b[n - 1] = last;
      return;
    }
    if (n / 2 === this.#max) {
      this.#dropped += b[1] - b[0] + 1;
      b.splice(0, 2);
    }
    b.push(first, last);
  }

  /** The ranges kept, oldest first. */
  toArray(): IdRange[] {
    const out: IdRange[] = [];
    for (let i = 0; i < this.#bounds.length; i += 2) {
      out.push({ first: this.#bounds[i], last: this.#bounds[i + 1] });
    }
    return out;
  }

  /** Forgets everything. */
  clear(): void {
    this.#bounds = [];
    this.#count = 0;
    this.#dropped = 0;
  }
}
