/**
 * What a consumer and a collector run the same way around their frames: the processor host and
 * its user statistics, the metadata channels, the status feed with its status and control PVs,
 * the start sequence and the shutdown.
 *
 * @module
 */
import type { StructureDesc, StructValue } from "../../protocol/pvdata/types.ts";
// Not ../control/mod.ts: that loads the configure schema (zod), needed only when a configure arrives.
import { ControlPV } from "../control/control_pv.ts";
import type { ControlTarget } from "../control/control_target.ts";
import { MetadataChannels, type MetadataSettings } from "../metadata/mod.ts";
import { type ProcessorArgs, ProcessorHost } from "../processor/mod.ts";
import { type ControlledKind, type StatusDocument, type StatusFeed, StatusPV } from "../status/mod.ts";
import type { ConsumerContext } from "./consumer.ts";

/** Options of {@link ProcessorService}. */
export interface ProcessorServiceOptions {
  /** Whose processor: names it in the control PV and in log messages. */
  kind: ControlledKind;
  /** The consumer's or collector's id. */
  id: number;
  /** The server, clients, logger and processor settings of the process. */
  ctx: ConsumerContext;
  /** The processor's arguments, system keys included. */
  args: ProcessorArgs;
}

/** The channels {@link ProcessorService.serve} hosts. */
export interface ServedChannels {
  /** The status PV's name, if any. */
  status?: string;
  /** The control PV's name, if any. */
  control?: string;
}

/** The processor of one consumer or collector, and the status and control it is served with. */
export class ProcessorService {
  /** The processor's sandbox. */
  readonly host: ProcessorHost;
  readonly #label: string;
  readonly #kind: ControlledKind;
  readonly #id: number;
  readonly #ctx: ConsumerContext;
  #metadata: MetadataChannels | undefined;
  #feed: Pick<StatusFeed, "refresh" | "stop"> | undefined;
  #userStats: StructValue = {};
  #userStatsTimer: ReturnType<typeof setInterval> | undefined;
  #pvNames: string[] = [];
  #endTime = 0;
  readonly #stopped = Promise.withResolvers<void>();
  #stopping = false;

  /** Makes the processor host; {@link start} starts it. */
  constructor({ kind, id, ctx, args }: ProcessorServiceOptions) {
    this.#kind = kind;
    this.#id = id;
    this.#ctx = ctx;
    this.#label = `${kind} ${id}`;
    this.host = new ProcessorHost({
      ...ctx.processor,
      args,
      logger: ctx.logger,
      onEvent: (ev) => {
        if (ev.kind === "restart") ctx.logger.warn(`${this.#label}: processor restarted: ${ev.message}`);
      },
    });
  }

  /** The processor's latest user statistics. */
  get userStats(): StructValue {
    return this.#userStats;
  }

  /** The metadata channels, once {@link openMetadata} opened any. */
  get metadata(): MetadataChannels | undefined {
    return this.#metadata;
  }

  /** When the run ended (seconds since 1970), 0 while it runs. */
  get endTime(): number {
    return this.#endTime;
  }

  /**
   * Starts the processor (a bad processor fails here) and reads its first statistics, then runs
   * `open`; when that throws, `shutdown` runs before the error goes on.
   * @param open opens the channels and the input
   * @param shutdown undoes what `open` did and calls {@link close}
   */
  async start(open: () => void, shutdown: () => Promise<void>): Promise<void> {
    await this.host.start();
    await this.refreshUserStats();
    try {
      open();
    } catch (e) {
      await shutdown();
      throw e;
    }
  }

  /** Subscribes to the metadata channels, if the settings name any. */
  openMetadata(settings: MetadataSettings): MetadataChannels | undefined {
    if (settings.channels.length === 0) return undefined;
    const { client, caClient, logger } = this.#ctx;
    this.#metadata = MetadataChannels.open(settings, { pva: client, ca: caClient, logger });
    return this.#metadata;
  }

  /**
   * Starts the status feed and the user-statistics refresh at its period, and hosts the status
   * and control PVs that have names.
   * @param feed the status feed, not started
   * @param statusType the status PV's type, from the feed's builder
   * @param channels the PV names
   * @param target what the control PV acts on
   */
  serve<S extends StatusDocument>(
    feed: StatusFeed<S>,
    statusType: StructureDesc,
    channels: ServedChannels,
    target: ControlTarget,
  ): void {
    this.#feed = feed;
    feed.start();
    this.#userStatsTimer = setInterval(() => this.refreshUserStats(), feed.periodMs);
    const { server, logger } = this.#ctx;
    if (channels.status) {
      server.addPV(channels.status, new StatusPV(statusType, feed).pv);
      this.#pvNames.push(channels.status);
    }
    if (channels.control) {
      const control = new ControlPV({ kind: this.#kind, id: this.#id, target, logger });
      server.addPV(channels.control, control.pv);
      this.#pvNames.push(channels.control);
    }
  }

  /** Resolves once the run that {@link stopWith} finishes has finished. */
  get done(): Promise<void> {
    return this.#stopped.promise;
  }

  /**
   * Runs `finish` once, after the current task, so that a `stop` put to the control PV is
   * answered before that PV goes away; {@link done} settles as `finish` does. Later calls do nothing.
   * @param finish drains the frames and shuts down
   */
  stopWith(finish: () => Promise<void>): void {
    if (this.#stopping) return;
    this.#stopping = true;
    setTimeout(() => finish().then(this.#stopped.resolve, this.#stopped.reject), 0);
  }

  /** Refreshes the processor's statistics, then the status (`get_stats`). */
  async refreshStatus(): Promise<void> {
    await this.refreshUserStats();
    this.#feed?.refresh();
  }

  /** Asks the processor for its statistics; a failure is logged and the previous ones kept. */
  async refreshUserStats(): Promise<void> {
    try {
      this.#userStats = await this.host.stats();
    } catch (e) {
      this.#ctx.logger.warn(`${this.#label}: processor stats: ${(e as Error).message}`);
    }
  }

  /**
   * Ends the run: final statistics, the processor stopped, a last status, the PVs removed and the
   * metadata channels closed.
   */
  async close(): Promise<void> {
    clearInterval(this.#userStatsTimer);
    this.#endTime = Date.now() / 1000;
    await this.refreshUserStats().catch(() => {});
    await this.host.stop().catch((e) => this.#ctx.logger.warn(`processor stop: ${(e as Error).message}`));
    this.#feed?.refresh();
    this.#feed?.stop();
    for (const name of this.#pvNames) this.#ctx.server.removePV(name);
    this.#pvNames = [];
    await this.#metadata?.close();
  }
}
