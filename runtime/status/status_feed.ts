/**
 * The status feed: refreshes a status document every report period (at least every 10 s, PvaPy's
 * minimum status update period) and on demand (`get_stats`), and tells its followers: the status PV, the
 * HTTP API's event stream.
 *
 * @module
 */
import { type Logger, silentLogger } from "../../protocol/log.ts";
import type { StatusDocument } from "./status_document.ts";

/** PvaPy refreshes its status at least this often, whatever the report period. */
export const MAX_STATUS_PERIOD_SECONDS = 10;

/** Read side of a status feed, what the HTTP API and the status PV need. */
export interface StatusProvider<S extends StatusDocument = StatusDocument> {
  /** The latest status. */
  current(): S;
  /** Calls `listener` with every new status; returns the function that stops it. */
  subscribe(listener: (status: S) => void): () => void;
}

/** Options of a {@link StatusFeed}. */
export interface StatusFeedOptions<S extends StatusDocument> {
  /** Builds a fresh status (takes a statistics report); called once per period and per refresh. */
  build: () => S;
  /** Seconds between updates; 0 or more than 10 means every 10 s. */
  reportPeriod?: number;
  /** Told when a listener throws (the others still get the update). */
  logger?: Logger;
}

/**
 * A periodically refreshed status with followers.
 * @example
 * ```ts ignore
 * const feed = new StatusFeed({ build: () => builder.build(reporter.report(accounting.snapshot())), reportPeriod: 1 });
 * feed.start();
 * feed.subscribe((s) => console.log(s.objectId));
 * feed.refresh(); // get_stats
 * ```
 */
export class StatusFeed<S extends StatusDocument = StatusDocument> implements StatusProvider<S> {
  readonly #build: () => S;
  readonly #periodMs: number;
  readonly #logger: Logger;
  readonly #listeners = new Set<(status: S) => void>();
  #current: S;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Builds the first status at once; {@link StatusFeed.start} begins the periodic updates. */
  constructor({ build, reportPeriod = 0, logger = silentLogger }: StatusFeedOptions<S>) {
    if (!(reportPeriod >= 0)) throw new RangeError(`report period must be >= 0 seconds, not ${reportPeriod}`);
    this.#build = build;
    this.#logger = logger;
    const seconds = reportPeriod > 0
      ? Math.min(reportPeriod, MAX_STATUS_PERIOD_SECONDS)
      : MAX_STATUS_PERIOD_SECONDS;
    this.#periodMs = seconds * 1000;
    this.#current = build();
  }

  /** Milliseconds between periodic updates. */
  get periodMs(): number {
    return this.#periodMs;
  }

  /** Starts the periodic updates (idempotent). */
  start(): void {
    this.#timer ??= setInterval(() => this.refresh(), this.#periodMs);
  }

  /** Builds and announces a new status now (the `get_stats` command). */
  refresh(): S {
    this.#current = this.#build();
    for (const listener of this.#listeners) {
      try {
        listener(this.#current);
      } catch (e) {
        this.#logger.warn("status listener failed", { error: String(e) });
      }
    }
    return this.#current;
  }

  /** The latest status. */
  current(): S {
    return this.#current;
  }

  /** Follows the updates; returns the function that stops following. */
  subscribe(listener: (status: S) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops the periodic updates; followers stay subscribed. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
