/**
 * Reading what the simulators and consumers print at the end of a run: frames published (and,
 * for ours, frames that reached no subscriber), and the consumers' totals.
 *
 * @module
 */
import type { Maker } from "./tools.ts";

/** What the simulator says it did. */
export interface SimTotals {
  /** Frames published. */
  published: number;
  /** Frames no subscriber could take (ours only; undefined for PvaPy's, which does not count them). */
  notDelivered?: number;
}

/** Totals of a simulator's final report ("Published frames: N @ R fps", "Not delivered: N"). */
export function simTotals(text: string): SimTotals {
  const published = /Published frames:\s+(\d+)/.exec(text);
  if (!published) throw new Error(`no "Published frames" in the simulator's output:\n${text}`);
  const notDelivered = /Not delivered: (\d+)/.exec(text);
  return {
    published: Number(published[1]),
    notDelivered: notDelivered ? Number(notDelivered[1]) : undefined,
  };
}

/** What the consumers say they did, summed over them. */
export interface ConsumerTotals {
  /** Frames processed. */
  processed: number;
  /** Frames the consumers know they missed (gaps in the ids). */
  missed: number;
  /** Consumers that reported. */
  reports: number;
}

/**
 * The consumers' totals. Ours prints one summary line per consumer ("N processed ..., M missed");
 * PvaPy's prints its statistics dictionary, the last one being the combined one with `-nc 2`.
 */
export function consumerTotals(maker: Maker, text: string): ConsumerTotals {
  if (maker === "ours") {
    // Off a terminal the status line repeats every report; the last line of each consumer counts.
    const last = new Map<string, RegExpExecArray>();
    for (const m of text.matchAll(/consumer (\d+): (\d+) processed .*?, (\d+) missed/g)) last.set(m[1], m);
    const lines = [...last.values()];
    return {
      processed: lines.reduce((s, m) => s + Number(m[2]), 0),
      missed: lines.reduce((s, m) => s + Number(m[3]), 0),
      reports: lines.length,
    };
  }
  const last = (key: string) => {
    const all = [...text.matchAll(new RegExp(`'${key}': (\\d+)`, "g"))];
    return all.length ? Number(all[all.length - 1][1]) : NaN;
  };
  const reports = text.includes("Combined System Stats")
    ? 2
    : Math.min(1, [...text.matchAll(/'nProcessed'/g)].length);
  return { processed: last("nProcessed"), missed: last("nMissed"), reports };
}
