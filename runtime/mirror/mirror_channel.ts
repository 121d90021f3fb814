/**
 * One mirrored channel: upstream monitor(s) feeding a read-only {@link SharedPV} served under the
 * mirror's name.
 *
 * - The PV takes its type and value from the first upstream update, and forwards each later update
 *   with exactly its changed and overrun bits (unchanged arrays are not sent again).
 * - When the upstream disconnects, the PV is replaced by a closed one: the server destroys the
 *   clients' channels (they see a disconnect and search again) and stops answering searches until
 *   the upstream is back and its first update re-opens the mirror, possibly with another type.
 * - Upstream monitors run from start to close, subscribers or not, as PvaPy's do: the mirror's
 *   type comes from upstream, so a mirror that waited for a subscriber could not be found by one,
 *   and a GET must read the current value.
 * - With several monitors (a distributor request), each one's updates are merged into the PV in
 *   arrival order. Each monitor first receives the current value when it connects; only the one
 *   that opens the mirror is used, the others repeat what the mirror has. PvaPy skips the next
 *   n-1 updates whichever monitor sends them, which loses a real update when a monitor that
 *   connected first receives one before the others' initial values arrive.
 *
 * @module
 */
import { type Logger, mergeChanged, type PvaServer, SharedPV, type StructValue } from "../../mod.ts";
import type { MirrorChannelStats } from "../status/mod.ts";
import type { MirrorEntry } from "./channel_map.ts";
import type { Upstream, UpstreamEvent, UpstreamFactory } from "./upstream.ts";

export type { MirrorChannelStats } from "../status/mod.ts";

/** Options of a {@link MirrorChannel}. */
export interface MirrorChannelOptions {
  /** What to mirror. */
  entry: MirrorEntry;
  /** The server the mirror is hosted on (the name is added at construction). */
  server: PvaServer;
  /** Opens the upstream monitors. */
  upstreams: UpstreamFactory;
  /** Where connection changes and upstream failures go. */
  logger: Logger;
}

/**
 * A mirrored channel.
 * @example
 * ```ts ignore
 * const channel = new MirrorChannel({ entry, server, upstreams: pvaUpstreams(client), logger });
 * channel.start();
 * console.log(channel.stats());
 * await channel.close();
 * ```
 */
export class MirrorChannel {
  /** What it mirrors. */
  readonly entry: MirrorEntry;
  readonly #server: PvaServer;
  readonly #upstreams: UpstreamFactory;
  readonly #logger: Logger;
  #pv: SharedPV;
  /** Bumped at each upstream disconnect: events from a monitor not reconnected since are stale. */
  #generation = 0;
  #monitors: Upstream[] = [];
  #running: Promise<void>[] = [];
  #received = 0;
  #overruns = 0;
  /** Sent by the PVs retired so far, minus what a reset discounted. */
  #sentBefore = 0;

  /** Hosts the (closed, so not yet found) mirror PV on `options.server`. */
  constructor(options: MirrorChannelOptions) {
    this.entry = options.entry;
    this.#server = options.server;
    this.#upstreams = options.upstreams;
    this.#logger = options.logger;
    this.#pv = new SharedPV({ readOnly: true });
    this.#server.addPV(this.entry.mirror, this.#pv);
  }

  /** Starts the upstream monitors. */
  start(): void {
    if (this.#monitors.length > 0) return;
    this.#monitors = this.#upstreams(this.entry);
    this.#running = this.#monitors.map((m) => this.#follow(m));
  }

  /** Stops the upstream monitors and stops serving the mirror. */
  async close(): Promise<void> {
    for (const m of this.#monitors) m.close();
    await Promise.all(this.#running);
    this.#server.removePV(this.entry.mirror);
  }

  /** The counters and state now. */
  stats(): MirrorChannelStats {
    const { mirror, source, provider } = this.entry;
    return {
      mirror,
      source,
      provider,
      connected: this.#pv.isOpen,
      nReceived: this.#received,
      nOverruns: this.#overruns,
      nSent: this.#sentBefore + this.#pv.stats.sent,
      nSubscribers: this.#pv.subscriberCount,
    };
  }

  /** Zeroes the counters. */
  resetStats(): void {
    this.#received = 0;
    this.#overruns = 0;
    this.#sentBefore = -this.#pv.stats.sent;
  }

  /** Applies one monitor's events until it ends. */
  async #follow(monitor: Upstream): Promise<void> {
    let generation = -1;
    let initial = false;
    try {
      for await (const ev of monitor) {
        if (ev.kind === "connected") {
          generation = this.#generation;
          initial = true;
        } else if (ev.kind === "disconnected") {
          if (generation === this.#generation) this.#retire(ev.reason);
          generation = -1;
        } else if (generation === this.#generation) {
          this.#apply(ev, initial);
          initial = false;
        }
      }
    } catch (e) {
      this.#logger.error(`mirror ${this.entry.mirror}: monitor of ${this.entry.source} failed`, {
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** Opens the mirror with the first update, or forwards a later one. */
  #apply(ev: Extract<UpstreamEvent, { kind: "data" }>, initial: boolean): void {
    const pv = this.#pv;
    if (pv.isOpen && initial) return;
    this.#received++;
    if (!ev.overrun.isEmpty()) this.#overruns++;
    if (!pv.isOpen) {
      pv.open({ type: ev.type, value: ev.value });
      this.#logger.info(`mirror ${this.entry.mirror}: serving ${this.entry.source}`);
      return;
    }
    const value = mergeChanged(pv.type, pv.value, ev.value, ev.changed) as StructValue;
    pv.post(value, { changed: ev.changed, overrun: ev.overrun });
  }

  /** The upstream is gone: serve a closed PV in place of the open one, so clients see a disconnect. */
  #retire(reason: string): void {
    this.#generation++;
    const old = this.#pv;
    if (!old.isOpen) return;
    this.#sentBefore += old.stats.sent;
    this.#pv = new SharedPV({ readOnly: true });
    this.#server.replacePV(this.entry.mirror, this.#pv);
    old.close();
    this.#logger.info(`mirror ${this.entry.mirror}: ${this.entry.source} disconnected (${reason})`);
  }
}
