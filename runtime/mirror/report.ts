/**
 * The mirror server's report lines, in PvaPy's form so that what reads `pvapy-mirror-server`'s output
 * reads ours: `Channel <mirror> @ <seconds>: {'nReceived': N, 'nOverruns': N, ...}`, with our sent and
 * subscriber counts after PvaPy's two.
 *
 * @module
 */
import type { MirrorChannelStats } from "../status/mod.ts";

/**
 * One report line for one channel.
 * @param stats the channel's counters
 * @param now seconds since the epoch
 * @example
 * ```ts
 * import { reportLine } from "./report.ts";
 * const stats = { mirror: "m", source: "s", provider: "pva", connected: true, nReceived: 3, nOverruns: 0, nSent: 6, nSubscribers: 2 };
 * reportLine(stats, 1700000000.5);
 * // "Channel m @ 1700000000.500: {'nReceived': 3, 'nOverruns': 0, 'nSent': 6, 'nSubscribers': 2}"
 * ```
 */
export function reportLine(stats: MirrorChannelStats, now: number): string {
  const { nReceived, nOverruns, nSent, nSubscribers } = stats;
  const counters = Object.entries({ nReceived, nOverruns, nSent, nSubscribers })
    .map(([k, v]) => `'${k}': ${v}`)
    .join(", ");
  return `Channel ${stats.mirror} @ ${now.toFixed(3)}: {${counters}}`;
}
