/**
 * The mirror server (PvaPy's `pvapy-mirror-server`): a {@link PvaServer} hosting one
 * {@link MirrorChannel} per channel-map entry, its report every `reportPeriod` seconds, the same
 * counters as a status document, and the control commands the HTTP API drives.
 *
 * @module
 */
import {
  CaClient,
  type CaConfig,
  configFromEnv,
  type Logger,
  PvaClient,
  type PvaConfig,
  PvaServer,
  silentLogger,
} from "../../mod.ts";
import type { ControlTarget } from "../control/control_target.ts";
import { type MirrorStatus, MirrorStatusBuilder } from "../status/mod.ts";
import type { MirrorEntry } from "./channel_map.ts";
import { caUpstreams } from "./ca_upstream.ts";
import { MirrorChannel, type MirrorChannelStats } from "./mirror_channel.ts";
import { reportLine } from "./report.ts";
import { pvaUpstreams, type UpstreamFactory } from "./upstream.ts";

/** Options of a {@link MirrorServer}. */
export interface MirrorServerOptions {
  /** What to mirror (see parseChannelMap). */
  channels: readonly MirrorEntry[];
  /** Network settings of the mirror's server and of its pvAccess client; EPICS_PVA* by default. */
  config?: PvaConfig;
  /** Settings of the Channel Access client, used only by `ca` entries; EPICS_CA* by default. */
  caConfig?: CaConfig;
  /** Seconds to run; 0 (default) runs until {@link MirrorServer.stop}. */
  runtime?: number;
  /** Seconds between reports; 0 (default) reports only at the end. */
  reportPeriod?: number;
  /** Receives each report line; without it there is no report. */
  report?: (line: string) => void;
  /** The library's logger for the server, the clients and the channels (silent by default). */
  logger?: Logger;
}

/**
 * A running mirror server.
 * @example
 * ```ts ignore
 * const mirror = new MirrorServer({ channels: parseChannelMap("(m:image,sim:image)"), report: console.log });
 * await mirror.start();
 * await mirror.finished; // after --runtime, or stop()
 * ```
 */
export class MirrorServer implements ControlTarget {
  /** The pvAccess server hosting the mirrors. */
  readonly server: PvaServer;
  /** Resolves once the server has stopped (runtime over, or {@link MirrorServer.stop}). */
  readonly finished: Promise<void>;
  readonly #options: MirrorServerOptions;
  readonly #logger: Logger;
  readonly #client: PvaClient;
  #ca: CaClient | null = null;
  readonly #channels: MirrorChannel[];
  readonly #statusBuilder = new MirrorStatusBuilder();
  readonly #done = Promise.withResolvers<void>();
  #timers: ReturnType<typeof setTimeout>[] = [];
  #stopping: Promise<void> | null = null;

  /**
   * Creates the server and the (not yet served) mirrors; {@link MirrorServer.start} starts them.
   * @throws {RangeError} when runtime or reportPeriod is negative
   */
  constructor(options: MirrorServerOptions) {
    for (const key of ["runtime", "reportPeriod"] as const) {
      if (!((options[key] ?? 0) >= 0)) {
        throw new RangeError(`${key} must be >= 0 seconds, not ${options[key]}`);
      }
    }
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    const config = options.config ?? configFromEnv();
    this.server = new PvaServer({ config, logger: this.#logger });
    this.#client = new PvaClient({ config, logger: this.#logger });
    const pva = pvaUpstreams(this.#client);
    const ca: UpstreamFactory = (entry) => caUpstreams(this.#caClient())(entry);
    this.#channels = options.channels.map((entry) =>
      new MirrorChannel({
        entry,
        server: this.server,
        upstreams: entry.provider === "ca" ? ca : pva,
        logger: this.#logger,
      })
    );
    this.finished = this.#done.promise;
  }

  /** Starts serving and the upstream monitors, the report and the runtime. */
  async start(): Promise<void> {
    await this.server.start();
    for (const c of this.#channels) c.start();
    const { runtime = 0, reportPeriod = 0, report } = this.#options;
    if (report && reportPeriod > 0) {
      this.#timers.push(setInterval(() => this.#report(), reportPeriod * 1000));
    }
    if (runtime > 0) this.#timers.push(setTimeout(() => void this.stop(), runtime * 1000));
  }

  /** Stops the monitors and the server, reports the final counters; resolves when all is down. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutDown();
    return this.#stopping;
  }

  /** The counters and state of every channel, in channel-map order. */
  stats(): MirrorChannelStats[] {
    return this.#channels.map((c) => c.stats());
  }

  /** The counters as a status document (GET /api/status). */
  status(): MirrorStatus {
    return this.#statusBuilder.build(this.stats());
  }

  /** The mirror has nothing to configure at run time: always refused. */
  configure(): never {
    throw new Error("the mirror server has no runtime configuration");
  }

  /** Zeroes every channel's counters (`reset_stats`). */
  resetStats(): void {
    for (const c of this.#channels) c.resetStats();
  }

  /** Reports now (`get_stats`). */
  getStats(): void {
    this.#report();
  }

  async #shutDown(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    try {
      await Promise.all(this.#channels.map((c) => c.close()));
      await this.server.close();
      await this.#client.close();
      this.#ca?.close();
      this.#options.report?.("Final Channel Statistics:");
      this.#report();
    } finally {
      this.#done.resolve();
    }
  }

  #report(): void {
    const report = this.#options.report;
    if (!report) return;
    const now = Date.now() / 1000;
    for (const s of this.stats()) report(reportLine(s, now));
  }

  /** The CA client, made on first use so that a map without `ca` entries opens no CA sockets. */
  #caClient(): CaClient {
    this.#ca ??= new CaClient({ config: this.#options.caConfig, logger: this.#logger });
    return this.#ca;
  }
}
