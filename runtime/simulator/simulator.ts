/**
 * The simulated areaDetector: serves an NTNDArray channel and publishes frames on it at a set rate,
 * after a start delay, for a set runtime, then keeps serving for a shutdown delay so clients can drain.
 *
 * @module
 */
import { configFromEnv, type Logger, ntNDArrayType, PvaServer, SharedPV, silentLogger } from "../../mod.ts";
import { FrameCache } from "./cache.ts";
import { metadataPvNames, MetadataPvs } from "./metadata_pvs.ts";
import { openFrameSource } from "./input.ts";
import { notifyPv } from "./notify.ts";
import { resolveSettings, type SimulatorOptions, type SimulatorSettings } from "./options.ts";
import { Pacer, sleep } from "./pacing.ts";
import { FramePublisher } from "./publisher.ts";
import { periodReport, summaryReport } from "./report.ts";
import { PublishAccount, type SimulatorState, type SimulatorStats } from "./stats.ts";

/** uniqueId is an int32: after 2^31 - 1 frames it starts again at 1. */
const MAX_UNIQUE_ID = 2147483647;

const wallClockMs = () => performance.timeOrigin + performance.now();

/**
 * pvapy-ad-sim-server on pvastream's server.
 *
 * @example
 * ```ts ignore
 * import { Simulator } from "./simulator.ts";
 * const sim = new Simulator({ channelName: "sim:image", frameRate: 100, runtime: 5, startDelay: 0, report: console.log });
 * await sim.start();
 * const stats = await sim.finished; // after 5 s of frames and the 10 s shutdown delay
 * console.log(stats.framesPublished, stats.frameRate, stats.notDelivered);
 * ```
 */
export class Simulator {
  /** The settings in use (PvaPy's defaults filled in). */
  readonly settings: SimulatorSettings;
  /** The frames channel; open from {@link Simulator.start} until the run ends. */
  readonly pv: SharedPV = new SharedPV({ readOnly: true });
  readonly #server: PvaServer;
  readonly #ownsServer: boolean;
  readonly #logger: Logger;
  readonly #report: (line: string) => void;
  readonly #account = new PublishAccount();
  readonly #publishing = new AbortController();
  readonly #draining = new AbortController();
  #state: SimulatorState = "idle";
  #finished: Promise<SimulatorStats> | null = null;
  #metadata: MetadataPvs | undefined;

  /**
   * Checks the settings; nothing is served or read before {@link Simulator.start}.
   * @param options settings (PvaPy's defaults for those left out), server, logger and report sink
   * @throws {SimulatorOptionError} naming the first option whose value cannot be used
   */
  constructor(options: SimulatorOptions = {}) {
    this.settings = resolveSettings(options);
    this.#ownsServer = options.server === undefined;
    this.#server = options.server ?? new PvaServer({ config: options.config ?? configFromEnv() });
    this.#logger = options.logger ?? silentLogger;
    this.#report = options.report ?? (() => {});
  }

  /** The server the channel is hosted on. */
  get server(): PvaServer {
    return this.#server;
  }

  /**
   * Resolves with the final stats once the run is over: publishing ended (runtime reached, every
   * frame of an uncached input published, or {@link Simulator.stopPublishing}), the shutdown delay
   * passed and the channel closed. Rejects if publishing failed.
   * @throws {Error} before {@link Simulator.start}
   */
  get finished(): Promise<SimulatorStats> {
    if (this.#finished === null) throw new Error("the simulator has not been started");
    return this.#finished;
  }

  /**
   * What has been published so far.
   * @example
   * ```ts ignore
   * const { framesPublished, frameRate, notDelivered } = sim.stats();
   * ```
   */
  stats(): SimulatorStats {
    return this.#account.snapshot({
      channelName: this.settings.channelName,
      state: this.#state,
      subscribers: this.pv.isOpen ? this.pv.subscriberCount : 0,
      targetFrameRate: this.settings.frameRate,
    });
  }

  /**
   * Reads or generates the frames, serves the channel (starting the simulator's own server), puts the
   * notify PV, and schedules publishing after the start delay. Resolves once the channel is served.
   * @throws {FrameInputError} when an input file cannot be streamed
   */
  async start(): Promise<void> {
    if (this.#state !== "idle") throw new Error(`the simulator is already ${this.#state}`);
    const s = this.settings;
    const source = openFrameSource(s);
    const cache = new FrameCache(source, s.cacheSize);
    this.#report(`Frames: ${source.description}`);
    this.#report(
      cache.repeats
        ? `Frame cache: all ${source.count} frames kept and published over and over`
        : `Frame cache: ${source.count} frames exceed the cache size ${s.cacheSize}: each is made when due and published once`,
    );
    this.pv.open({ type: ntNDArrayType });
    this.#server.addPV(s.channelName, this.pv);
    const metadata = s.metadataPv === null ? { names: [] } : metadataPvNames(s.metadataPv);
    if ("names" in metadata && metadata.names.length > 0) {
      this.#metadata = new MetadataPvs(this.#server, metadata.names);
      this.#report(`Metadata PVs: ${metadata.names.join(", ")}`);
    }
    if (this.#ownsServer) await this.#server.start();
    this.#state = "waiting";
    this.#report(
      `Serving ${s.channelName} on TCP port ${this.#server.tcpPort}; first frame in ${s.startDelay} s at ${
        s.frameRate || "unpaced"
      } fps`,
    );
    if (s.notifyPv !== null) await this.#notify(s.notifyPv, s.notifyPvValue);
    this.#finished = this.#run(cache);
  }

  /** Ends publishing now; the shutdown delay still follows (Ctrl-C in PvaPy). */
  stopPublishing(): void {
    this.#publishing.abort();
  }

  /**
   * Ends publishing and the shutdown delay at once and closes the channel.
   * @returns the final stats
   */
  async stop(): Promise<SimulatorStats> {
    this.#publishing.abort();
    this.#draining.abort();
    if (this.#finished === null) return this.stats();
    return await this.#finished;
  }

  async #notify(name: string, value: string): Promise<void> {
    try {
      await notifyPv(name, value, this.#server.config);
      this.#report(`Set notification PV ${name} to ${value}`);
    } catch (e) {
      this.#logger.warn("could not set the notification PV", {
        pv: name,
        value,
        error: (e as Error).message,
      });
      this.#report(`Could not set notification PV ${name} to ${value}: ${(e as Error).message}`);
    }
  }

  async #run(cache: FrameCache): Promise<SimulatorStats> {
    const s = this.settings;
    try {
      await sleep(s.startDelay * 1000, this.#publishing.signal);
      // Polled: monitors start on the server's connections, which tell nobody. A monitor created but not
      // started would fold the first frames into its initial value.
      const started = () => this.pv.subscribers().filter((m) => m.running).length;
      while (started() < s.waitForSubscribers && !this.#publishing.signal.aborted) {
        await sleep(20, this.#publishing.signal);
      }
      this.#state = "publishing";
      await this.#publish(cache);
      this.#state = "draining";
      await sleep(s.shutdownDelay * 1000, this.#draining.signal);
    } finally {
      this.#server.removePV(s.channelName);
      this.#metadata?.close();
      if (this.#ownsServer) this.#server.close();
      this.#state = "stopped";
      for (const line of summaryReport(this.stats())) this.#report(line);
    }
    return this.stats();
  }

  async #publish(cache: FrameCache): Promise<void> {
    const { frameRate, runtime, reportPeriod } = this.settings;
    const signal = this.#publishing.signal;
    const publisher = new FramePublisher(this.pv, this.settings.codec);
    const pacer = new Pacer({ frameRate });
    pacer.start();
    try {
      for (let n = 0; !signal.aborted; n++) {
        if (n > 0) await pacer.wait(n, signal);
        if (signal.aborted) break;
        const frame = cache.next();
        if (frame === null) {
          this.#report(`Server exiting after publishing all ${n} frames once`);
          break;
        }
        const uniqueId = (n % MAX_UNIQUE_ID) + 1;
        const when = wallClockMs();
        // Before the frame, as PvaPy does: a consumer has the values when the frame arrives.
        this.#metadata?.publish(uniqueId, when);
        const outcome = publisher.publish(frame, uniqueId, when);
        this.#account.record(uniqueId, frame.data.byteLength, outcome, when);
        if (reportPeriod > 0 && (n + 1) % reportPeriod === 0) this.#report(periodReport(this.stats()));
        if (this.#runtimeReached(n + 1, pacer.dueAt(0))) {
          this.#report(`Server exiting after reaching runtime of ${runtime} seconds`);
          break;
        }
      }
    } finally {
      pacer.close();
    }
  }

  /**
   * Whether frame `next` falls after the runtime. Paced, that is decided by its number, so that
   * floating-point noise in the clock cannot drop the frame due exactly at the end (frames at 0, 1/rate,
   * ..., runtime are all published, as in PvaPy); unpaced, by the clock.
   */
  #runtimeReached(next: number, startMs: number): boolean {
    const { frameRate, runtime } = this.settings;
    if (runtime === 0) return false;
    if (frameRate > 0) return next > runtime * frameRate + 1e-9;
    return performance.now() - startMs > runtime * 1000;
  }
}
