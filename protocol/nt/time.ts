/**
 * Conversions between `time_t` values and JavaScript time.
 *
 * @module
 */
import type { TimeStamp } from "./common.ts";

/**
 * A time stamp for a wall-clock instant in milliseconds since the POSIX epoch (fractions
 * of a millisecond are kept down to the nanosecond), or for a Date.
 * @example
 * ```ts
 * import { timeStampFrom } from "./time.ts";
 * timeStampFrom(1500); // { secondsPastEpoch: 1n, nanoseconds: 500000000, userTag: 0 }
 * ```
 */
export function timeStampFrom(when: Date | number, userTag = 0): TimeStamp {
  const ms = typeof when === "number" ? when : when.getTime();
  let seconds = Math.floor(ms / 1000);
  let nanoseconds = Math.round((ms - seconds * 1000) * 1e6);
  // Rounding the fraction can reach a full second.
  if (nanoseconds >= 1e9) {
    seconds += 1;
    nanoseconds -= 1e9;
  }
  return { secondsPastEpoch: BigInt(seconds), nanoseconds, userTag };
}

/**
 * The current time as a time stamp, finer than a millisecond: the monotonic clock is added
 * to the wall-clock time origin so consecutive frames get distinct, ordered stamps.
 */
export function timeStampNow(userTag = 0): TimeStamp {
  return timeStampFrom(performance.timeOrigin + performance.now(), userTag);
}

/**
 * The Date of a time stamp (JavaScript dates keep only milliseconds).
 * @example
 * ```ts
 * import { toDate } from "./time.ts";
 * toDate({ secondsPastEpoch: 1n, nanoseconds: 500000000, userTag: 0 }).getTime(); // 1500
 * ```
 */
export function toDate(t: TimeStamp): Date {
  return new Date(Number(t.secondsPastEpoch) * 1000 + Math.floor(t.nanoseconds / 1e6));
}
