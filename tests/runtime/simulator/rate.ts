/**
 * Rates measured in a way a noisy machine does not upset: the least-squares slope of event times against
 * event numbers, to which one late event (a stall at the end) contributes little.
 * @module
 */

/**
 * Events per second fitted to `timesMs` (event i happened at timesMs[i], in milliseconds).
 * @example
 * ```ts
 * import { fittedRate } from "./rate.ts";
 * fittedRate([0, 5, 10, 15]); // 200
 * ```
 */
export function fittedRate(timesMs: readonly number[]): number {
  const n = timesMs.length;
  const meanI = (n - 1) / 2;
  const meanT = timesMs.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  timesMs.forEach((t, i) => {
    num += (i - meanI) * (t - meanT);
    den += (i - meanI) ** 2;
  });
  return 1000 / (num / den);
}
