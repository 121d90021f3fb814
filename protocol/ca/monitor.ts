/**
 * MONITOR: a subscription (EVENT_ADD) that lives across reconnections. Each connection of
 * the channel gets its own subscription on the server; losing it is reported as an explicit
 * gap (`disconnected`, then `connected` again and fresh data).
 * @module
 */
import { EventInbox } from "../event_inbox.ts";
import type { Logger } from "../log.ts";
import type { CaChannel } from "./channel.ts";
import type { CaCircuit } from "./circuit.ts";
import type { CaValue } from "./dbr.ts";
import { decodeDbr } from "./dbr_decode.ts";
import { CaRemoteError } from "./errors.ts";
import { type CaHeader, ECA_NORMAL, EventMask } from "./header.ts";
import { type ErrorReport, eventAddMessage, eventCancelMessage } from "./messages.ts";
import { type CaRequestForm, type ChannelPool, requestCount, requestType } from "./pool.ts";

/** One thing a CA subscription reports. */
export type CaMonitorEvent =
  | {
    kind: "connected";
    /** The channel's native DBR type (0..6) and element count. */
    nativeType: number;
    nativeCount: number;
  }
  | {
    kind: "data";
    value: CaValue;
    /** Updates replaced by this one while the queue was full (lost in between). */
    overrun: number;
  }
  | { kind: "disconnected"; reason: string };

/** Options of a CA subscription. */
export interface CaMonitorOptions {
  /** DBR form of the updates (default "time"). */
  type?: CaRequestForm;
  /** EventMask bits (default VALUE | ALARM). */
  mask?: number;
  /** Updates queued before newer ones replace the last (default 4). */
  queueSize?: number;
  /** Ends the subscription; the iterator then throws the signal's reason. */
  signal?: AbortSignal;
}

/**
 * A running subscription: an async iterable of {@link CaMonitorEvent}s.
 * @example
 * ```ts ignore
 * for await (const ev of client.monitor("motor:x")) {
 *   if (ev.kind === "data") console.log(ev.value.value, ev.value.timeStamp);
 * }
 * ```
 */
export class CaSubscription implements AsyncIterableIterator<CaMonitorEvent> {
  /** The PV name. */
  readonly name: string;

  #pool: ChannelPool;
  #ch: CaChannel;
  #unlisten: () => void;
  #form: CaRequestForm;
  #mask: number;
  #queueSize: number;
  #logger: Logger;
  #signal?: AbortSignal;
  #onAbort = () => this.#fail(this.#signal!.reason);
  #onEnd: (sub: CaSubscription) => void;
  #op: EventOp | null = null;
  readonly #inbox = new EventInbox<CaMonitorEvent>();

  /**
   * Starts a subscription (normally through `CaClient.monitor`).
   * @param pool where the channel comes from
   * @param name PV name
   * @param opts form, mask, queue size, signal
   * @param context the client's logger, and what to call once the subscription ended
   */
  constructor(
    pool: ChannelPool,
    name: string,
    opts: CaMonitorOptions,
    context: { logger: Logger; onEnd: (sub: CaSubscription) => void },
  ) {
    this.name = name;
    this.#pool = pool;
    this.#form = opts.type ?? "time";
    this.#mask = opts.mask ?? (EventMask.VALUE | EventMask.ALARM);
    this.#queueSize = Math.max(1, Math.trunc(opts.queueSize ?? 4));
    this.#logger = context.logger;
    this.#onEnd = context.onEnd;
    this.#signal = opts.signal;
    this.#ch = pool.acquire(name);
    this.#unlisten = this.#ch.listen({
      connected: (ch) => this.#connected(ch),
      disconnected: (reason) => this.#disconnected(reason),
    });
    if (this.#signal?.aborted) this.#onAbort();
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** True once the subscription has ended (closed, aborted, or refused by the server). */
  get isClosed(): boolean {
    return this.#inbox.ended;
  }

  /** The next event; done once closed; throws when the server refused or the signal aborted. */
  next(): Promise<IteratorResult<CaMonitorEvent>> {
    return this.#inbox.next();
  }

  /** Ends the iteration early (`break` in `for await`). */
  return(): Promise<IteratorResult<CaMonitorEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** This object is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops the subscription and drops undelivered events. */
  close(): void {
    this.#inbox.clear();
    this.#stop();
  }

  #connected(ch: CaChannel): void {
    if (this.#inbox.ended) return;
    this.#push({ kind: "connected", nativeType: ch.nativeType, nativeCount: ch.nativeCount });
    this.#op = new EventOp(ch, {
      type: requestType(ch, this.#form),
      count: requestCount(ch),
      mask: this.#mask,
      onData: (value) => this.#push({ kind: "data", value, overrun: 0 }),
      onRefused: (e) => this.#fail(e),
      logger: this.#logger,
    });
  }

  #disconnected(reason: string): void {
    // The server dropped the channel, or the circuit: nothing to cancel there.
    this.#op?.detach();
    this.#op = null;
    if (!this.#inbox.ended) this.#push({ kind: "disconnected", reason });
  }

  /** Queues an event; a full queue folds new data into the last queued data. */
  #push(event: CaMonitorEvent): void {
    const last = this.#inbox.last;
    const queuedData = this.#inbox.queued.filter((e) => e.kind === "data").length;
    if (event.kind === "data" && last?.kind === "data" && queuedData >= this.#queueSize) {
      last.overrun += 1 + event.overrun;
      last.value = event.value;
    } else {
      this.#inbox.push(event);
    }
  }

  #fail(reason: unknown): void {
    if (this.#inbox.fail(reason)) this.#release();
  }

  #stop(): void {
    if (this.#inbox.end()) this.#release();
  }

  /** Releases the channel and the subscription on the server. */
  #release(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#unlisten();
    this.#op?.close();
    this.#op = null;
    this.#pool.release(this.#ch);
    this.#onEnd(this);
  }
}

/** What an {@link EventOp} asks for and whom it tells. */
interface EventOpOptions {
  type: number;
  count: number;
  mask: number;
  onData: (value: CaValue) => void;
  onRefused: (error: Error) => void;
  logger: Logger;
}

/** The subscription's EVENT_ADD on one circuit. */
class EventOp {
  #ch: CaChannel;
  #circuit: CaCircuit;
  #opts: EventOpOptions;
  #subid: number;

  constructor(ch: CaChannel, opts: EventOpOptions) {
    this.#ch = ch;
    this.#circuit = ch.circuit!;
    this.#opts = opts;
    this.#subid = this.#circuit.addOp({
      onReply: (h, payload) => this.#onReply(h, payload),
      onError: (r: ErrorReport) =>
        opts.onRefused(new CaRemoteError(`monitor ${ch.name}`, r.status, r.message)),
      onLost: () => {
        // The channel tells the subscription; nothing is left to clean up here.
      },
    });
    this.#circuit.send(eventAddMessage(ch.sid, this.#subid, opts.type, opts.count, opts.mask));
  }

  /** Forgets the subscription without telling the server, which no longer has it. */
  detach(): void {
    this.#circuit.removeOp(this.#subid);
  }

  /** Cancels the subscription on the server. */
  close(): void {
    this.#circuit.removeOp(this.#subid);
    this.#circuit.send(eventCancelMessage(this.#ch.sid, this.#subid, this.#opts.type, this.#opts.count));
  }

  #onReply(h: CaHeader, payload: Uint8Array): void {
    if (h.parameter1 !== ECA_NORMAL) {
      // RSRV reports a value it could not convert this way, and keeps the subscription.
      this.#opts.logger.warn("ca monitor update with an error status", {
        pv: this.#ch.name,
        status: h.parameter1,
      });
      return;
    }
    // A DecodeError escapes to the circuit, which closes and so reports the gap.
    this.#opts.onData(decodeDbr(h.dataType, h.dataCount, payload, { array: this.#ch.nativeCount > 1 }));
  }
}
