/**
 * What the simulator has published, counted as it goes and read as one plain {@link SimulatorStats}
 * object (for the report, the status PV and the HTTP API).
 *
 * @module
 */
import type { PublishOutcome } from "./publisher.ts";

/** Where a simulator is in its run. */
export type SimulatorState = "idle" | "waiting" | "publishing" | "draining" | "stopped";

/** What a simulator has published so far. Times are milliseconds since the POSIX epoch. */
export interface SimulatorStats {
  /** PV name of the frames. */
  channelName: string;
  /** idle (not started), waiting (start delay), publishing, draining (shutdown delay), stopped. */
  state: SimulatorState;
  /** Frames posted. */
  framesPublished: number;
  /** Pixel bytes posted (the uncompressed size of each frame, summed). */
  bytesPublished: number;
  /** Frames that reached no subscriber: `notDeliveredNoSubscriber` + `notDeliveredQueuesFull`. */
  notDelivered: number;
  /** Frames posted while nobody was subscribed. */
  notDeliveredNoSubscriber: number;
  /**
   * Frames posted while every subscriber's queue was full: each post was folded into every queue's last
   * entry (an overrun), so one frame fewer reached each subscriber.
   */
  notDeliveredQueuesFull: number;
  /** Subscriptions to the channel now. */
  subscribers: number;
  /** uniqueId of the last frame (0 before the first). */
  lastUniqueId: number;
  /** When the first frame was posted, or null. */
  startTime: number | null;
  /** When the last frame was posted, or null. */
  lastFrameTime: number | null;
  /** Seconds from the first frame to the last. */
  runtime: number;
  /** Frames per second achieved: (framesPublished - 1) / runtime, as PvaPy counts it; 0 before two frames. */
  frameRate: number;
  /** Megabytes (10^6 B) per second achieved: bytesPublished / framesPublished × frameRate / 10^6. */
  dataRate: number;
  /** The rate asked for (0: unpaced). */
  targetFrameRate: number;
}

/** Counters of one run; {@link PublishAccount.snapshot} turns them into {@link SimulatorStats}. */
export class PublishAccount {
  #frames = 0;
  #bytes = 0;
  #noSubscriber = 0;
  #queuesFull = 0;
  #lastUniqueId = 0;
  #first: number | null = null;
  #last: number | null = null;

  /**
   * Counts one posted frame.
   * @param uniqueId its uniqueId
   * @param bytes its pixel bytes
   * @param outcome what became of it
   * @param when when it was posted (ms since the epoch)
   */
  record(uniqueId: number, bytes: number, outcome: PublishOutcome, when: number): void {
    this.#frames++;
    this.#bytes += bytes;
    this.#lastUniqueId = uniqueId;
    if (outcome === "no-subscriber") this.#noSubscriber++;
    if (outcome === "queues-full") this.#queuesFull++;
    this.#first ??= when;
    this.#last = when;
  }

  /** The counters with the context only the simulator knows. */
  snapshot(
    context: Pick<SimulatorStats, "channelName" | "state" | "subscribers" | "targetFrameRate">,
  ): SimulatorStats {
    const runtime = this.#first === null || this.#last === null ? 0 : (this.#last - this.#first) / 1000;
    const frameRate = this.#frames > 1 && runtime > 0 ? (this.#frames - 1) / runtime : 0;
    return {
      ...context,
      framesPublished: this.#frames,
      bytesPublished: this.#bytes,
      notDelivered: this.#noSubscriber + this.#queuesFull,
      notDeliveredNoSubscriber: this.#noSubscriber,
      notDeliveredQueuesFull: this.#queuesFull,
      lastUniqueId: this.#lastUniqueId,
      startTime: this.#first,
      lastFrameTime: this.#last,
      runtime,
      frameRate,
      dataRate: this.#frames > 0 ? (this.#bytes / this.#frames) * frameRate / 1e6 : 0,
    };
  }
}
