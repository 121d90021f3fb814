/**
 * What happened to one metadata channel's values and to the frames that wanted them, counted with
 * plain increments and turned into a `metadataStats_<n>` block on demand.
 *
 * @module
 */
import type { MetadataStats } from "../status/mod.ts";

/** The counts of one metadata channel since it started or was reset. */
export class ChannelCounters {
  /** Updates received from the channel. */
  received = 0;
  /** Updates without a usable value or time stamp. */
  invalid = 0;
  /** Updates lost before they reached us (server or client queue folded them). */
  overruns = 0;
  /** Values dropped because the buffer was full. */
  evicted = 0;
  /** Values attached to a frame. */
  delivered = 0;
  /** Values dropped unused because no frame still to come could take them. */
  discarded = 0;
  /** Frames that got a value of this channel. */
  matched = 0;
  /** Frames that got none. */
  unmatched = 0;
  #since = performance.now();

  /** Zeroes every count. */
  reset(): void {
    this.received =
      this.invalid =
      this.overruns =
      this.evicted =
        0;
    this.delivered =
      this.discarded =
      this.matched =
      this.unmatched =
        0;
    this.#since = performance.now();
  }

  /**
   * The status block in PvaPy's names: receiverStats counts updates (rejected: no usable value or
   * time stamp); queueStats counts values (received = stored, rejected = dropped unused because the
   * buffer was full or no frame to come could take them, delivered = attached to a frame, queued =
   * waiting), so that received = rejected + delivered + queued. Rates are averaged since the start or the last reset (as PvaPy's source channels do).
   * @param channelId the channel's number, 1-based (PvaPy's producerId of a metadata block)
   * @param channel the PV name
   * @param queued values waiting in the buffer now
   */
  block(channelId: number, channel: string, queued: number): MetadataStats {
    const seconds = (performance.now() - this.#since) / 1000;
    const rate = (n: number) => (seconds > 0 ? n / seconds : 0);
    return {
      producerId: channelId,
      channel,
      receiverStats: {
        nReceived: this.received,
        receivedRate: rate(this.received),
        nRejected: this.invalid,
        rejectedRate: rate(this.invalid),
        nOverruns: this.overruns,
        overrunRate: rate(this.overruns),
      },
      queueStats: {
        nReceived: this.received - this.invalid,
        nRejected: this.evicted + this.discarded,
        nDelivered: this.delivered,
        nQueued: queued,
      },
      associationStats: { nMatched: this.matched, nUnmatched: this.unmatched, nDiscarded: this.discarded },
    };
  }
}
