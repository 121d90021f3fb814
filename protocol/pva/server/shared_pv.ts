/**
 * SharedPV: the easy way to host a process variable. It keeps the current value, applies
 * posted changes, and tells its subscribers (monitors) about each change once.
 *
 * @module
 */
import { BitSet } from "../../pvdata/bitset.ts";
import { overlay } from "../../pvdata/coerce.ts";
import { bitCount } from "../../pvdata/partial.ts";
import { type Status, STATUS_OK } from "../../pvdata/status.ts";
import {
  type FieldDesc,
  type StructureDesc,
  type StructValue,
  type Typed,
  type Value,
} from "../../pvdata/types.ts";
import { defaultValue } from "../../pvdata/value.ts";
import type { Peer } from "../messages/handshake.ts";
import { Update } from "./update.ts";

/** A put as the PV's handler sees it. */
export interface PutRequest {
  /** The full value after applying the put. */
  value: StructValue;
  /** The fields the client wrote. */
  changed: BitSet;
  /** Who put. */
  peer: Peer;
}

/** Operations access rules decide on. */
export type AccessOp = "get" | "put" | "rpc" | "monitor" | "info";

/** Options of a {@link SharedPV}. */
export interface SharedPVOptions {
  /**
   * Handles a put. Return (or resolve to) an error Status to reject it; otherwise the
   * value is posted as written. Without a handler, puts are accepted and posted.
   */
  onPut?: (pv: SharedPV, put: PutRequest) => Status | void | Promise<Status | void>;
  /** Handles an RPC call; throw to answer with an error Status. Without it, RPC is refused. */
  onRpc?: (args: Typed<Value>, peer: Peer) => Typed<Value> | Promise<Typed<Value>>;
  /** Refuse every put. */
  readOnly?: boolean;
  /** Per-peer access rule; return false to refuse the operation. */
  access?: (peer: Peer, op: AccessOp) => boolean;
}

/** Counters of a PV, summed over its subscriptions. */
export interface PVStats {
  /** Updates posted. */
  posted: number;
  /** Monitor updates sent (one per subscriber that received it). */
  sent: number;
  /** Updates folded into another because a subscriber's queue was full. */
  overruns: number;
}

/** What a monitor subscription implements to hear about changes. */
export interface Subscriber {
  /** A new update was posted. */
  onUpdate(update: Update): void;
  /** The PV was closed (or re-typed): end the subscription. */
  onClose(): void;
  /** False while a post now would overrun this subscriber's queue. */
  hasRoom(): boolean;
}

/**
 * A hosted PV.
 *
 * @example
 * ```ts
 * import { SharedPV } from "./shared_pv.ts";
 * import { scalar, struct } from "../../pvdata/types.ts";
 * const pv = new SharedPV();
 * pv.open({ type: struct("epics:nt/NTScalar:1.0", { value: scalar("float64") }), value: { value: 1 } });
 * pv.post({ value: 2 }); // only "value" goes on the wire
 * ```
 */
export class SharedPV {
  /** Handlers and rules. */
  readonly options: SharedPVOptions;
  /** Counters; monitors add their sends and overruns. */
  readonly stats: PVStats = { posted: 0, sent: 0, overruns: 0 };
  private current: Update | null = null;
  private readonly subscribers = new Set<Subscriber>();
  private roomWaiters: (() => void)[] = [];

  /**
   * Creates a closed PV; {@link SharedPV.open} gives it a type and value.
   * @param options put/RPC handlers and access rules; by default puts are accepted, RPC refused
   */
  constructor(options: SharedPVOptions = {}) {
    this.options = options;
  }

  /** True between open() and close(). */
  get isOpen(): boolean {
    return this.current !== null;
  }

  /** The type (throws when not open). */
  get type(): StructureDesc {
    return this.latest().type;
  }

  /** The current full value (throws when not open). */
  get value(): StructValue {
    return this.latest().value;
  }

  /** The latest update: current value plus what changed last. */
  latest(): Update {
    if (this.current === null) throw new Error("SharedPV is not open");
    return this.current;
  }

  /**
   * Sets the type and initial value. Re-opening with another type ends current subscriptions.
   * Members missing from `value` take their defaults.
   */
  open(initial: { type: FieldDesc; value?: StructValue }): void {
    if (initial.type.kind !== "structure") throw new TypeError("a PV's type must be a structure");
    if (this.current !== null) this.endSubscriptions();
    const value = { ...(defaultValue(initial.type) as StructValue), ...initial.value };
    this.current = new Update(initial.type, value, BitSet.of(0));
  }

  /**
   * Posts a change. With `changed`, `value` is the new full value and `changed` marks what
   * differs; without it, `value` holds just the changed members, laid over the current value
   * by pvData's `overlay` (nested objects merge, values are converted to the field types,
   * unknown members throw) and the bits are derived from the keys given.
   */
  post(value: StructValue, changed?: BitSet): void {
    const prev = this.latest();
    let next: Update;
    if (changed) next = new Update(prev.type, value, changed);
    else {
      const bits = new BitSet(bitCount(prev.type));
      next = new Update(prev.type, overlay(prev.type, prev.value, value, bits), bits);
    }
    this.current = next;
    this.stats.posted++;
    for (const s of this.subscribers) s.onUpdate(next);
  }

  /** Closes the PV: subscriptions end; it can be opened again. */
  close(): void {
    this.endSubscriptions();
    this.current = null;
  }

  /** Adds a subscriber (used by monitor operations). */
  subscribe(s: Subscriber): void {
    this.subscribers.add(s);
  }

  /** Removes a subscriber. */
  unsubscribe(s: Subscriber): void {
    this.subscribers.delete(s);
    this.roomAvailable();
  }

  /**
   * Resolves when every subscriber has room for another update, so that a publisher that
   * prefers pacing to dropping (a file replay, a benchmark) can post without overrunning
   * anyone. Publishers that must never wait simply post.
   */
  waitForRoom(): Promise<void> {
    if (this.allHaveRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Called by subscribers whose queue has drained a little. */
  roomAvailable(): void {
    if (this.roomWaiters.length === 0 || !this.allHaveRoom()) return;
    for (const w of this.roomWaiters.splice(0)) w();
  }

  /** True when no subscriber would overrun on another post. */
  private allHaveRoom(): boolean {
    for (const s of this.subscribers) if (!s.hasRoom()) return false;
    return true;
  }

  /** Number of active subscribers. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Applies a put: asks the handler (if any), posts the new value unless refused. */
  async put(put: PutRequest): Promise<Status> {
    const status = (await this.options.onPut?.(this, put)) ?? STATUS_OK;
    if (status.type === "ok" || status.type === "warning") {
      if (!this.options.onPut) this.post(put.value, put.changed);
    }
    return status;
  }

  /** Tells every subscriber the PV is gone and forgets them. */
  private endSubscriptions(): void {
    for (const s of [...this.subscribers]) s.onClose();
    this.subscribers.clear();
  }
}
