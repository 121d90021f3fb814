/**
 * What a subscription reports, how it is configured, and what it counts.
 * @module
 */
import type { BitSet } from "../../pvdata/bitset.ts";
import type { FieldDesc, StructValue } from "../../pvdata/types.ts";

/** One thing a subscription reports. */
export type MonitorEvent =
  | {
    kind: "data";
    /** The type from the INIT reply of the current connection. */
    type: FieldDesc;
    /** The full value, with this update merged in (unchanged branches shared with the previous one). */
    value: StructValue;
    /** Fields this update carries. */
    changed: BitSet;
    /**
     * Fields that changed more than once since the previous update (values lost in between),
     * whether the server or our own queue folded the updates.
     */
    overrun: BitSet;
    /**
     * Leaf fields that hold an empty array because an earlier value's arrays were taken
     * (`Subscription.take`) and the server has not sent the field again since. Empty unless
     * the consumer takes arrays.
     */
    taken: BitSet;
  }
  | {
    kind: "connected";
    /** The server's address, "host:port". */
    server: string;
    /** The type from the INIT reply: every data event until the next disconnect has it. */
    type: FieldDesc;
  }
  | { kind: "disconnected"; reason: string };

/** A data event of a subscription. */
export type MonitorData = Extract<MonitorEvent, { kind: "data" }>;

/** Options of a subscription. */
export interface MonitorOptions {
  /**
   * pvRequest text in any form `get` accepts (`value,alarm`, `field(value)record[...]`,
   * `_[pydistributor=...]`); its `record[queueSize=..,pipeline=..]` win over the options below.
   */
  request?: string;
  /** Updates queued here (and, pipelining, in flight) before the server has to wait (default 4). */
  queueSize?: number;
  /** Flow control: the server sends only as many updates as we have room for (default true). */
  pipeline?: boolean;
  /** Ends the subscription; the iterator then throws the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Counters of one subscription since it started, across reconnections (in the manner of
 * pvxs's `Subscription::stats`).
 */
export interface MonitorStats {
  /** Data updates received from servers. */
  updates: number;
  /** Bytes received in those updates: MONITOR message payloads, headers excluded. */
  bytes: number;
  /**
   * Updates that arrived with a non-empty overrun BitSet: each stands for one or more updates
   * the server folded into it (the server does not say how many).
   */
  serverSquashed: number;
  /** Updates our own queue folded into the previous queued one because it was full. */
  queueSquashed: number;
  /** Data events waiting in our queue now. */
  queueLength: number;
  /** The longest our queue of data events has been. */
  maxQueueLength: number;
}
