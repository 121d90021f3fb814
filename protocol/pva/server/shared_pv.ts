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
  sameType,
  type StructureDesc,
  type StructValue,
  type Typed,
  type Value,
} from "../../pvdata/types.ts";
import { defaultValue } from "../../pvdata/value.ts";
import type { Peer } from "../messages/handshake.ts";
import { DistributorGroup, type DistributorOptions } from "./distributor.ts";
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
   * Handles a put. Return (or resolve to) an error Status to reject it. The handler decides
   * what the PV shows: nothing is posted for it (post `put.value`, or anything else, from
   * the handler). Without a handler, puts are accepted and `put.value` is posted.
   */
  onPut?: (pv: SharedPV, put: PutRequest) => Status | void | Promise<Status | void>;
  /** Handles an RPC call; throw to answer with an error Status. Without it, RPC is refused. */
  onRpc?: (args: Typed<Value>, peer: Peer) => Typed<Value> | Promise<Typed<Value>>;
  /** Refuse every put. */
  readOnly?: boolean;
  /** Per-peer access rule; return false to refuse the operation. */
  access?: (peer: Peer, op: AccessOp) => boolean;
  /**
   * Called when the first monitor subscribes (from none), e.g. for a mirror to start its
   * upstream monitor only while someone listens. Runs synchronously inside the subscribe:
   * start asynchronous work without awaiting it here, and do not throw.
   * @example
   * ```ts ignore
   * let upstream: AbortController | null = null;
   * const pv = new SharedPV({
   *   onFirstSubscriber: (pv) => void follow(pv, (upstream = new AbortController()).signal),
   *   onLastSubscriber: () => upstream?.abort(),
   * });
   * ```
   */
  onFirstSubscriber?: (pv: SharedPV) => void;
  /** Called when the last monitor ends (to none), including when the PV closes. Same rules as above. */
  onLastSubscriber?: (pv: SharedPV) => void;
}

/**
 * How {@link SharedPV.post} applies a change.
 * @example
 * ```ts ignore
 * // A mirror forwards an upstream update as it came, lost values included.
 * pv.post(ev.value, { changed: ev.changed, overrun: ev.overrun });
 * ```
 */
export interface PostOptions {
  /**
   * Marks what differs; `value` is then the new full value. Without it, `value` holds just
   * the changed members and the bits are derived from its keys.
   */
  changed?: BitSet;
  /**
   * Fields whose intermediate values were lost upstream (a mirror forwards its source's
   * overrun bits); subscribers receive them as this update's overrun bits.
   */
  overrun?: BitSet;
}

/**
 * How {@link SharedPV.subscribe} attaches a subscriber.
 * @example
 * ```ts ignore
 * pv.subscribe(subscriber, { distributor: parseDistributorOptions("group:g1;trigger:uniqueId") });
 * ```
 */
export interface SubscribeOptions {
  /** Share updates round-robin with the other members of this distributor group. */
  distributor?: DistributorOptions;
}

/**
 * One monitor subscription of a PV as seen from the server, for status displays.
 * @example
 * ```ts ignore
 * const behind = pv.subscribers().filter((s) => s.queued === s.queueSize);
 * ```
 */
export interface SubscriberInfo {
  /** The client. */
  peer: Peer;
  /** The channel name the client used. */
  channel: string;
  /** Updates waiting in this subscription's queue. */
  queued: number;
  /** The queue's capacity (the client's queueSize). */
  queueSize: number;
  /** Updates sent to this client. */
  sent: number;
  /** Updates folded into another because this client's queue was full. */
  overruns: number;
  /** False while the client has stopped the subscription. */
  running: boolean;
  /** The distributor group it belongs to, or null when it receives every update. */
  group: string | null;
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

/**
 * What listens to a {@link SharedPV}'s updates: each server monitor operation (the queue of
 * one client's subscription), or an in-process reader. Not to be confused with the client's
 * `Subscription`.
 */
export interface UpdateListener {
  /** A new update was posted. */
  onUpdate(update: Update): void;
  /** The PV was closed (or re-typed): end the subscription. */
  onClose(): void;
  /** False while a post now would overrun this subscriber's queue. */
  hasRoom(): boolean;
  /** The subscription's current state and counters. */
  describe(): SubscriberInfo;
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
  #current: Update | null = null;
  /** Every subscribed client and the distributor group choosing its updates (null: it gets all). */
  readonly #subscribers = new Map<UpdateListener, string | null>();
  readonly #groups = new Map<string, DistributorGroup>();
  #roomWaiters: (() => void)[] = [];

  /**
   * Creates a closed PV; {@link SharedPV.open} gives it a type and value.
   * @param options put/RPC handlers, access rules and subscriber callbacks; by default puts
   * are accepted, RPC refused
   */
  constructor(options: SharedPVOptions = {}) {
    this.options = options;
  }

  /** True between open() and close(). */
  get isOpen(): boolean {
    return this.#current !== null;
  }

  /** True when clients can connect: the PV is open, or it answers RPC (which needs no value). */
  get acceptsChannels(): boolean {
    return this.isOpen || this.options.onRpc !== undefined;
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
    if (this.#current === null) throw new Error("SharedPV is not open");
    return this.#current;
  }

  /**
   * Sets the type and initial value; members missing from `value` take their defaults.
   * Re-opening with the same type keeps the subscriptions, which receive the new value in
   * full (a mirror whose upstream came back); re-opening with another type ends them, since
   * their clients know the old type.
   */
  open(initial: { type: FieldDesc; value?: StructValue }): void {
    const type = initial.type;
    if (type.kind !== "structure") throw new TypeError("a PV's type must be a structure");
    const value = { ...(defaultValue(type) as StructValue), ...initial.value };
    const keep = this.#current !== null && sameType(this.#current.type, type);
    if (this.#current !== null && !keep) this.#endSubscriptions();
    this.#current = new Update(type, value, BitSet.of(0));
    if (keep) this.#publish(this.#current);
  }

  /**
   * Posts a change. Without `options.changed`, `value` holds just the changed members, laid
   * over the current value by pvData's `overlay` (nested objects merge, values are
   * converted to the field types, unknown members throw) and the bits are derived from the
   * keys given; with it, `value` is the new full value.
   */
  post(value: StructValue, options: PostOptions = {}): void {
    const prev = this.latest();
    const { changed, overrun } = options;
    let next: Update;
    if (changed) next = new Update(prev.type, value, changed, overrun);
    else {
      const bits = new BitSet(bitCount(prev.type));
      next = new Update(prev.type, overlay(prev.type, prev.value, value, bits), bits, overrun);
    }
    this.#current = next;
    this.#publish(next);
  }

  /**
   * Closes the PV: subscriptions end (with an `onLastSubscriber` call if there were any); it
   * can be opened again.
   */
  close(): void {
    this.#endSubscriptions();
    this.#current = null;
  }

  /**
   * Adds a listener (each monitor operation is one); with `options.distributor` it joins
   * that distributor group of this PV. Adding one already there does nothing.
   */
  subscribe(s: UpdateListener, options: SubscribeOptions = {}): void {
    if (this.#subscribers.has(s)) return;
    const d = options.distributor;
    if (d) {
      const group = this.#groups.get(d.group) ?? new DistributorGroup(d.trigger);
      this.#groups.set(d.group, group);
      group.join(s, d);
    }
    this.#subscribers.set(s, d?.group ?? null);
    if (this.#subscribers.size === 1) this.options.onFirstSubscriber?.(this);
  }

  /** Removes a listener (nothing happens if it is not there). */
  unsubscribe(s: UpdateListener): void {
    const groupName = this.#subscribers.get(s);
    if (groupName === undefined) return;
    this.#subscribers.delete(s);
    const group = groupName === null ? undefined : this.#groups.get(groupName);
    group?.leave(s);
    if (group?.isEmpty) this.#groups.delete(groupName!);
    if (this.#subscribers.size === 0) this.options.onLastSubscriber?.(this);
    this.roomAvailable();
  }

  /** Number of subscribed clients (each member of a distributor group counts). */
  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /**
   * The subscribed clients with their queues and counters.
   * @example
   * ```ts ignore
   * for (const s of pv.subscribers()) console.log(s.peer.address, s.queued, s.sent, s.overruns);
   * ```
   */
  subscribers(): SubscriberInfo[] {
    return [...this.#subscribers.keys()].map((s) => s.describe());
  }

  /**
   * Resolves when every subscriber has room for another update, so that a publisher that
   * prefers pacing to dropping (a file replay, a benchmark) can post without overrunning
   * anyone. Publishers that must never wait simply post.
   */
  waitForRoom(): Promise<void> {
    if (this.#allHaveRoom()) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Called by subscribers whose queue has drained a little. */
  roomAvailable(): void {
    if (this.#roomWaiters.length === 0 || !this.#allHaveRoom()) return;
    for (const w of this.#roomWaiters.splice(0)) w();
  }

  /**
   * Applies a put: with an `onPut` handler, returns its Status (the handler posts what it
   * wants); without one, posts the new value. `readOnly` is enforced before, by the PUT
   * operation.
   */
  async put(put: PutRequest): Promise<Status> {
    const status = (await this.options.onPut?.(this, put)) ?? STATUS_OK;
    if (status.type === "ok" || status.type === "warning") {
      if (!this.options.onPut) this.post(put.value, { changed: put.changed });
    }
    return status;
  }

  /** Counts `u` and hands it to every subscriber, through their distributor group if any. */
  #publish(u: Update): void {
    this.stats.posted++;
    for (const [s, groupName] of this.#subscribers) if (groupName === null) s.onUpdate(u);
    for (const g of this.#groups.values()) g.deliver(u);
  }

  /** True when no subscriber would overrun on another post. */
  #allHaveRoom(): boolean {
    for (const s of this.#subscribers.keys()) if (!s.hasRoom()) return false;
    return true;
  }

  /** Tells every subscriber the PV is gone and forgets them. */
  #endSubscriptions(): void {
    const had = this.#subscribers.size > 0;
    const ending = [...this.#subscribers.keys()];
    this.#subscribers.clear();
    this.#groups.clear();
    for (const s of ending) s.onClose();
    if (had) this.options.onLastSubscriber?.(this);
  }
}
