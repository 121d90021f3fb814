/**
 * The simulator's report lines, worded after pvapy-ad-sim-server's so that people (and scripts) who
 * read PvaPy's output find the same figures: a line every report period, and a summary at the end.
 *
 * @module
 */
import type { SimulatorStats } from "./stats.ts";

/**
 * The line printed every report period.
 * @example
 * ```ts ignore
 * periodReport(stats); // "Published frame id    100 @ 1796166638.342s (frame rate: 20.0000fps; runtime: 4.950s; not delivered: 0)"
 * ```
 */
export function periodReport(s: SimulatorStats): string {
  const at = ((s.lastFrameTime ?? 0) / 1000).toFixed(3);
  return `Published frame id ${String(s.lastUniqueId).padStart(6)} @ ${at}s (frame rate: ${
    s.frameRate.toFixed(4)
  }fps; runtime: ${s.runtime.toFixed(3)}s; not delivered: ${s.notDelivered})`;
}

/**
 * The summary printed at the end: runtime, frames published and achieved rate, data rate in MB/s
 * (10^6 B), and the frames that reached no subscriber.
 */
export function summaryReport(s: SimulatorStats): string[] {
  return [
    `Server runtime: ${s.runtime.toFixed(4)} seconds`,
    `Published frames: ${String(s.framesPublished).padStart(6)} @ ${s.frameRate.toFixed(4)} fps`,
    `Data rate: ${s.dataRate.toFixed(4)} MBps`,
    `Not delivered: ${s.notDelivered} (no subscriber: ${s.notDeliveredNoSubscriber}, ` +
    `all subscriber queues full: ${s.notDeliveredQueuesFull})`,
  ];
}
