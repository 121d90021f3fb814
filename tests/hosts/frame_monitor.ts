/**
 * A witness of the frame stream for the several-hosts tests, run inside a lab host (`deno run -A
 * tests/hosts/frame_monitor.ts CHANNEL`): it monitors every frame of the simulator's channel with our client
 * (EPICS_PVA* environment), feeds a {@link FrameAccounting} as the consumer does (docs/accounting.md), and
 * prints, one per line:
 *
 * - `connected HOST:PORT` when the monitor connects;
 * - `subscribed ID` after the first update (the current value, skipped: it is no frame of this run);
 * - `RESULT {json}` when the server goes away (the simulator's run is over) or on SIGTERM:
 *   `{ accounting: AccountingSnapshot, frames: [[uniqueId, postedMs, arrivedMs], ...], disconnects }`,
 *   where postedMs is the frame's timeStamp and arrivedMs when the update reached this process, both in
 *   ms since the epoch (all lab hosts share the machine's clock).
 *
 * @module
 */
import { configFromEnv, PvaClient, silentLogger } from "../../mod.ts";
import { FrameAccounting } from "../../runtime/stats/mod.ts";

/** One received frame: uniqueId, when it was posted, when it arrived (ms since the epoch). */
export type FrameArrival = [id: number, postedMs: number, arrivedMs: number];

/** What the monitor prints after `RESULT `. */
export interface FrameMonitorResult {
  /** The consumer accounting of the run. */
  accounting: ReturnType<FrameAccounting["snapshot"]>;
  /** Every frame received, in arrival order. */
  frames: FrameArrival[];
  /** Reasons of disconnects before the end (the last one ends the run and is not listed). */
  disconnects: string[];
}

const [channel] = Deno.args;
if (channel === undefined) throw new Error("usage: frame_monitor.ts CHANNEL");

const stop = new AbortController();
Deno.addSignalListener("SIGTERM", () => stop.abort());
const accounting = new FrameAccounting();
const frames: FrameArrival[] = [];
const disconnects: string[] = [];
const client = new PvaClient({ config: configFromEnv(), logger: silentLogger });
// Room for what a cut link holds back (see pipeline_test.ts).
const subscription = client.monitor(channel, { queueSize: 256, signal: stop.signal });
let subscribed = false;
try {
  for await (const ev of subscription) {
    if (ev.kind === "connected") console.log(`connected ${ev.server}`);
    else if (ev.kind === "disconnected") {
      if (subscribed) break;
      disconnects.push(ev.reason);
    } else {
      const id = Number(ev.value.uniqueId);
      if (!subscribed) {
        subscribed = true;
        accounting.skipped(id);
        console.log(`subscribed ${id}`);
        continue;
      }
      const stamp = ev.value.timeStamp as { secondsPastEpoch: bigint | number; nanoseconds: number };
      frames.push([id, Number(stamp.secondsPastEpoch) * 1000 + stamp.nanoseconds / 1e6, Date.now()]);
      if (ev.overrun.isEmpty()) accounting.received(id);
      else accounting.receivedAfterOverrun(id);
      accounting.delivered();
      accounting.processed(id);
    }
  }
} catch (e) {
  if (!stop.signal.aborted) throw e;
}
await client.close();
const result: FrameMonitorResult = { accounting: accounting.snapshot(), frames, disconnects };
console.log(`RESULT ${JSON.stringify(result)}`);
