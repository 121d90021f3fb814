/**
 * What happened to each frame a consumer was sent: received, rejected by the full client queue, processed,
 * failed, published, and missed. Missed frames are named (as id ranges) only on evidence that they were
 * meant for this consumer; docs/accounting.md states the rule with examples.
 *
 * @module
 */
import { type IdRange, IdRanges } from "./id_ranges.ts";

/** How the source shares its frames among consumers. */
export interface Distribution {
  /** Consecutive updates the distributor sends per turn (its `updates` option, >= 1). */
  updates: number;
}

/** Options of a {@link FrameAccounting}. */
export interface FrameAccountingOptions {
  /**
   * Set when the monitor uses the data distributor: ids outside this consumer's turns belong to other
   * consumers. Absent: the consumer is sent every frame, so every gap in the ids is its own loss.
   */
  distribution?: Distribution;
  /** Bound on the id ranges kept for missed frames and for unattributed gaps (256 each). */
  maxRanges?: number;
  /** Wall clock in seconds since the epoch; PvaPy's status reports times this way. */
  clock?: () => number;
}

/** The counters of a {@link FrameAccounting} at one moment, as plain data. */
export interface AccountingSnapshot {
  /** Wall-clock seconds when counting (re)started. */
  startTime: number;
  /** Updates received (including those the queue then rejected), not counting skipped ones. */
  received: number;
  /** Updates the full client queue refused. */
  rejected: number;
  /**
   * Frames not processed on purpose (`--skip-initial-updates` beyond the first update, which is the
   * current value every monitor gets: a frame published before this consumer joined, or none).
   */
  skipped: number;
  /** Updates that could not be read (no object id, wrong type). */
  receiveErrors: number;
  /** Updates that arrived with overrun bits: the server or client folded frames into them. */
  overruns: number;
  /** Updates taken from the queue for processing. */
  delivered: number;
  /** Frames the processor handled without error. */
  processed: number;
  /** Frames the processor failed on. */
  processErrors: number;
  /** Frames meant for this consumer that never reached it (named in `missedIds`). */
  missed: number;
  /** Outputs published. */
  published: number;
  /** Outputs that failed to publish. */
  publishErrors: number;
  /** Id of the first processed frame (0 before any). */
  firstObjectId: number;
  /** Id of the last processed frame (0 before any). */
  lastObjectId: number;
  /** Wall-clock seconds of the first processed frame (0 before any). */
  firstObjectTime: number;
  /** Wall-clock seconds of the last processed frame (0 before any). */
  lastObjectTime: number;
  /** Missed ids, oldest first (bounded; `missed` stays exact). */
  missedIds: IdRange[];
  /**
   * Gaps closed by an overrun that may hold other consumers' frames as well as ours: the server folded at
   * least one of ours into the update, but the ids alone cannot say which. Not counted as missed.
   */
  unattributedGaps: IdRange[];
}

/**
 * The per-consumer accounting object the consumer feeds on its hot path. Every method only increments
 * numbers (and extends an id range on a loss): nothing is allocated per frame.
 *
 * @example
 * ```ts
 * import { FrameAccounting } from "./frame_accounting.ts";
 * const acc = new FrameAccounting();
 * acc.skipped(1); // the current value a new monitor gets first
 * acc.received(2);
 * acc.receivedAfterOverrun(5); // the server folded 3 and 4 into 5
 * acc.snapshot().missedIds; // [{ first: 3, last: 4 }]
 * ```
 */
export class FrameAccounting {
  readonly #updatesPerTurn: number;
  readonly #everyFrame: boolean;
  readonly #clock: () => number;
  readonly #missedIds: IdRanges;
  readonly #unattributed: IdRanges;
  #startTime = 0;
  #received = 0;
  #rejected = 0;
  #skipped = 0;
  #receiveErrors = 0;
  #overruns = 0;
  #delivered = 0;
  #processed = 0;
  #processErrors = 0;
  #published = 0;
  #publishErrors = 0;
  #firstObjectId = 0;
  #lastObjectId = 0;
  #firstObjectTime = 0;
  #lastObjectTime = 0;
  /** Last id seen, or -1 before the first. */
  #lastId = -1;
  /** The monitor reconnected since `#lastId`: the next update is the first of a new subscription. */
  #resubscribed = false;
  /**
   * 1-based position of `#lastId` within this consumer's current distributor turn; 0 while unknown (the
   * current value belongs to no turn, and an overrun reaching past the turn hides where the next began).
   */
  #turnPosition = 0;

  /**
   * Zeroed counters; counting starts now.
   * @param options distribution in use, range bounds and clock
   */
  constructor(
    { distribution, maxRanges = 256, clock = () => Date.now() / 1000 }: FrameAccountingOptions = {},
  ) {
    const updates = distribution?.updates ?? 1;
    if (!Number.isInteger(updates) || updates < 1) {
      throw new RangeError(`distribution updates must be a positive integer, not ${updates}`);
    }
    this.#updatesPerTurn = updates;
    this.#everyFrame = distribution === undefined;
    this.#clock = clock;
    this.#missedIds = new IdRanges({ maxRanges });
    this.#unattributed = new IdRanges({ maxRanges });
    this.#startTime = clock();
  }

  /** An update arrived with an empty overrun bit set. */
  received(id: number): void {
    this.#received++;
    this.#follow(id, 0);
  }

  /** An update arrived whose overrun bits say earlier updates were folded into it. */
  receivedAfterOverrun(id: number): void {
    this.#received++;
    this.#overruns++;
    this.#follow(id, 1);
  }

  /**
   * An update not processed on purpose; it still marks the sequence. The first update of a subscription
   * (the current value) is not counted: it was published before the subscription began.
   */
  skipped(id: number): void {
    if (this.#lastId >= 0 && !this.#resubscribed) this.#skipped++;
    this.#follow(id, 0);
  }

  /**
   * The monitor reconnected (the server or the link came back). The ids published while it was away are
   * judged at the next update: without a distributor they were all this consumer's, so missed; with one
   * they may be anyone's, so unattributed. An id that went back means the source restarted its count: a
   * new sequence, no gap.
   */
  resubscribed(): void {
    this.#resubscribed = this.#lastId >= 0;
  }

  /** The update just received was refused by the full client queue. */
  rejected(): void {
    this.#rejected++;
  }

  /** An update could not be read (for instance it has no object id). */
  receiveFailed(): void {
    this.#receiveErrors++;
  }

  /** An update left the queue for the processor. */
  delivered(): void {
    this.#delivered++;
  }

  /** The processor handled frame `id`. */
  processed(id: number): void {
    this.#processed++;
    this.#markProcessed(id);
  }

  /** The processor failed on frame `id`. */
  processFailed(id: number): void {
    this.#processErrors++;
    this.#markProcessed(id);
  }

  /** An output was published. */
  published(): void {
    this.#published++;
  }

  /** Publishing an output failed. */
  publishFailed(): void {
    this.#publishErrors++;
  }

  /** Zeroes every counter and forgets missed ids (`reset_stats`); the id sequence carries on. */
  reset(): void {
    this.#startTime = this.#clock();
    this.#received =
      this.#rejected =
      this.#skipped =
      this.#receiveErrors =
      this.#overruns =
        0;
    this.#delivered =
      this.#processed =
      this.#processErrors =
      this.#published =
      this.#publishErrors =
        0;
    this.#firstObjectId =
      this.#lastObjectId =
      this.#firstObjectTime =
      this.#lastObjectTime =
        0;
    this.#missedIds.clear();
    this.#unattributed.clear();
  }

  /** The counters now, as plain data (allocates; taken once per report, not per frame). */
  snapshot(): AccountingSnapshot {
    return {
      startTime: this.#startTime,
      received: this.#received,
      rejected: this.#rejected,
      skipped: this.#skipped,
      receiveErrors: this.#receiveErrors,
      overruns: this.#overruns,
      delivered: this.#delivered,
      processed: this.#processed,
      processErrors: this.#processErrors,
      missed: this.#missedIds.count,
      published: this.#published,
      publishErrors: this.#publishErrors,
      firstObjectId: this.#firstObjectId,
      lastObjectId: this.#lastObjectId,
      firstObjectTime: this.#firstObjectTime,
      lastObjectTime: this.#lastObjectTime,
      missedIds: this.#missedIds.toArray(),
      unattributedGaps: this.#unattributed.toArray(),
    };
  }

  #markProcessed(id: number): void {
    const t = this.#clock();
    if (this.#firstObjectTime === 0) {
      this.#firstObjectId = id;
      this.#firstObjectTime = t;
    }
    this.#lastObjectId = id;
    this.#lastObjectTime = t;
  }

  /** Judges the gap between the previous id and `id`; `overrun` is 1 when the update carried overrun bits. */
  #follow(id: number, overrun: 0 | 1): void {
    const last = this.#lastId;
    this.#lastId = id;
    if (this.#resubscribed) {
      this.#resubscribed = false;
      if (id > last + 1) (this.#everyFrame ? this.#missedIds : this.#unattributed).addRange(last + 1, id - 1);
      this.#turnPosition = 0;
      return;
    }
    // First update of a subscription, or the source restarted its ids: nothing to compare with.
    if (last < 0 || id <= last) {
      this.#turnPosition = 0;
      return;
    }
    const gap = id - last - 1;
    if (gap === 0) {
      if (this.#turnPosition > 0) this.#turnPosition = this.#turnPosition % this.#updatesPerTurn + 1;
      return;
    }
    if (this.#everyFrame) {
      this.#missedIds.addRange(last + 1, id - 1);
      return;
    }
    const leftInTurn = this.#turnPosition > 0 ? this.#updatesPerTurn - this.#turnPosition : 0;
    if (overrun === 0) {
      // Others' turns passed; a turn of ours ending early (membership changed) is no loss either.
      this.#turnPosition = 1;
      return;
    }
    // The rest of our current turn was certainly ours; beyond it the ids may be anyone's.
    const ours = Math.min(gap, leftInTurn);
    if (ours > 0) this.#missedIds.addRange(last + 1, last + ours);
    if (gap > ours) this.#unattributed.addRange(last + ours + 1, id - 1);
    // Past the turn, `id` may sit anywhere in a later one.
    this.#turnPosition = gap < leftInTurn ? this.#turnPosition + gap + 1 : 0;
  }
}
