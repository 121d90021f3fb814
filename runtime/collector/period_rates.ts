/**
 * Per-period rates of a few counters, as the status reports them: the change of each counter since the
 * previous report divided by the seconds between them. A counter that went down was reset
 * (`reset_stats`): its rate starts again from zero at the reset.
 *
 * @module
 */

/**
 * Rates of named counters between successive calls.
 * @example
 * ```ts
 * import { PeriodRates } from "./period_rates.ts";
 * const rates = new PeriodRates<"n">(100);
 * rates.rates({ n: 50 }, 102).n; // 25
 * ```
 */
export class PeriodRates<K extends string> {
  #previous: Record<K, number> | undefined;
  #time: number;

  /**
   * Rates counted from `start`.
   * @param start seconds since the epoch when counting started
   */
  constructor(start: number) {
    this.#time = start;
  }

  /** Starts the period again from zero counts (after a reset). */
  restart(now: number): void {
    this.#previous = undefined;
    this.#time = now;
  }

  /**
   * Per-second rates of `counts` since the previous call.
   * @param counts the counters now
   * @param now seconds since the epoch
   */
  rates(counts: Readonly<Record<K, number>>, now: number): Record<K, number> {
    const seconds = now - this.#time;
    const out = {} as Record<K, number>;
    for (const key of Object.keys(counts) as K[]) {
      const before = this.#previous?.[key] ?? 0;
      const delta = counts[key] >= before ? counts[key] - before : counts[key];
      out[key] = seconds > 0 ? delta / seconds : 0;
    }
    this.#previous = { ...counts };
    this.#time = now;
    return out;
  }
}
