/**
 * MONITOR: a subscription that lives across reconnections. Each connection of the channel
 * gets its own operation (monitor_op.ts); the subscription queues what they report, folds
 * updates when its queue is full, counts, pauses and resumes, and reports a lost
 * connection as an explicit gap.
 * @module
 */
import { EventInbox } from "../../event_inbox.ts";
import { foldChange } from "../../pvdata/partial.ts";
import { optionBool, optionNumber, requestOptions } from "../../pvdata/pvrequest.ts";
import type { Channel } from "./channel.ts";
import type { ClientConnection } from "./conn.ts";
import type { MonitorData, MonitorEvent, MonitorOptions, MonitorStats } from "./monitor_event.ts";
import { MonitorOp, type MonitorSink } from "./monitor_op.ts";
import { PayloadPlacement } from "./monitor_placement.ts";
import { type MonitorRequest, monitorRequest } from "./monitor_request.ts";
import { arrayBuffers, forgetBuffers } from "./monitor_take.ts";
import type { ChannelPool } from "./op.ts";

export type { MonitorData, MonitorEvent, MonitorOptions, MonitorStats } from "./monitor_event.ts";

/** A queued event; data remembers its operation (acks go to that one) and how many updates it merges. */
interface Entry {
  event: MonitorEvent;
  op: MonitorOp | null;
  updates: number;
}

/**
 * A running subscription: an async iterable of {@link MonitorEvent}s.
 * @example
 * ```ts ignore
 * const sub = client.monitor("pv:x");
 * for await (const ev of sub) if (ev.kind === "data") console.log(ev.value.value);
 * ```
 */
export class Subscription implements AsyncIterableIterator<MonitorEvent> {
  /** The PV name. */
  readonly name: string;
  /** Effective queue size. */
  readonly queueSize: number;
  /**
   * Whether pipelining (flow control) is asked of servers: the `pipeline` option (true by
   * default) with a queueSize of at least 2. Servers that answer pipelined monitors with
   * empty updates (pvAccessCPP's) are asked without it.
   */
  readonly pipeline: boolean;

  readonly #pool: ChannelPool;
  readonly #onEnd: (sub: Subscription) => void;
  readonly #ch: Channel;
  readonly #unlisten: () => void;
  readonly #signal?: AbortSignal;
  readonly #onAbort = () => this.#fail(this.#signal!.reason);
  readonly #sink: MonitorSink;
  #op: MonitorOp | null = null;
  readonly #inbox = new EventInbox<Entry>({ onTake: (entry) => this.#taken(entry) });
  #queuedData = 0;
  #paused = false;
  /** The counters; the queue length is read off the queue itself. */
  readonly #stats: Omit<MonitorStats, "queueLength"> = {
    updates: 0,
    bytes: 0,
    serverSquashed: 0,
    queueSquashed: 0,
    maxQueueLength: 0,
  };

  /** True once the subscription has ended (closed, aborted, or finished by the server). */
  get isClosed(): boolean {
    return this.#inbox.ended;
  }

  /** True while paused (see {@link pause}). */
  get isPaused(): boolean {
    return this.#paused;
  }

  /** A snapshot of the counters (see {@link MonitorStats} for what each one counts). */
  get stats(): MonitorStats {
    return { ...this.#stats, queueLength: this.#queuedData };
  }

  /**
   * Starts a subscription (normally through `PvaClient.monitor`).
   * @param pool where the channel comes from
   * @param name PV name
   * @param opts request, queue and pipeline options, signal
   * @param onEnd called once when the subscription has ended
   * @throws RequestError when the request text or its options are malformed
   */
  constructor(
    pool: ChannelPool,
    name: string,
    opts: MonitorOptions = {},
    onEnd: (sub: Subscription) => void = () => {},
  ) {
    this.name = name;
    this.#pool = pool;
    this.#onEnd = onEnd;
    const defaults = { queueSize: String(opts.queueSize ?? 4), pipeline: String(opts.pipeline ?? true) };
    const request = monitorRequest(opts.request ?? "", defaults);
    const options = requestOptions(request);
    this.queueSize = Math.max(1, Math.trunc(optionNumber(options, "queueSize", 4)));
    // pvxs: a window below 2 makes no sense, so pipelining needs queueSize >= 2.
    this.pipeline = optionBool(options, "pipeline", false) && this.queueSize >= 2;
    // The same request for servers that cannot pipeline (ClientConnection.pipelines): its type
    // has the option.
    const unpipelined = {
      ...request,
      value: { ...request.value, record: { _options: { ...options, pipeline: "false" } } },
    };
    this.#sink = this.#makeSink(request, unpipelined);
    this.#signal = opts.signal;
    this.#ch = pool.acquire(name);
    this.#unlisten = this.#ch.listen({
      connected: (conn, sid) => this.#connected(conn, sid),
      disconnected: (reason) => this.#disconnected(reason),
    });
    if (this.#signal?.aborted) this.#onAbort();
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /**
   * The next event; done once closed or finished by the server, throws (once) when the
   * server refused or ended the subscription with an error, or the signal aborted.
   */
  async next(): Promise<IteratorResult<MonitorEvent>> {
    const r = await this.#inbox.next();
    return r.done ? r : { value: r.value.event, done: false };
  }

  /** Ends the iteration early (`break` in `for await`). */
  return(): Promise<IteratorResult<MonitorEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** This object is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Asks the server to stop sending updates (pvAccess STOP) without ending the subscription;
   * it stays paused across reconnections until {@link resume}. Events already queued are
   * still delivered. What the server does meanwhile is up to it: ours and pvxs send the
   * latest value again on resume.
   */
  pause(): void {
    if (this.#paused || this.#inbox.ended) return;
    this.#paused = true;
    this.#op?.setRunning(false);
  }

  /** Asks the server to send updates again (pvAccess START) after {@link pause}. */
  resume(): void {
    if (!this.#paused || this.#inbox.ended) return;
    this.#paused = false;
    this.#op?.setRunning(true);
  }

  /**
   * Takes ownership of the numeric arrays of a data event so that they can be transferred
   * to a worker without a copy: returns their buffers (the transfer list of `postMessage`)
   * and makes the subscription forget them. Afterwards no queued event and no later update
   * refers to those buffers: a field whose array was taken holds an empty array of its
   * element type, and is marked in the events' `taken` bits, until the server sends that
   * field again. Everything else in the value (dimensions, attributes, timestamps) is still
   * merged as usual.
   *
   * Every buffer backing an array of `event.value` is taken, including small arrays that
   * were decoded from the same message as a big one (they share its buffer).
   * @param event a data event of this subscription
   * @returns the distinct buffers to transfer
   * @example
   * ```ts ignore
   * for await (const ev of sub) {
   *   if (ev.kind === "data") worker.postMessage(ev.value, sub.take(ev));
   * }
   * ```
   */
  take(event: MonitorData): ArrayBuffer[] {
    const buffers = arrayBuffers(event.value);
    const set = new Set<ArrayBufferLike>(buffers);
    for (const entry of this.#inbox.queued) {
      const e = entry.event;
      if (e.kind !== "data") continue;
      const { value, lost } = forgetBuffers(e.type, e.value, set);
      e.value = value as MonitorData["value"];
      e.taken.or(lost);
    }
    this.#op?.forget(set);
    return buffers;
  }

  /** Stops the subscription and drops undelivered events. */
  close(): void {
    this.#inbox.clear();
    this.#queuedData = 0;
    this.#stop();
  }

  /** The operations' view of this subscription. */
  #makeSink(request: MonitorRequest, unpipelinedRequest: MonitorRequest): MonitorSink {
    return {
      name: this.name,
      request,
      unpipelinedRequest,
      queueSize: this.queueSize,
      pipeline: this.pipeline,
      ackAny: Math.max(1, Math.floor(this.queueSize / 2)),
      placement: new PayloadPlacement(),
      isPaused: () => this.#paused,
      connected: (op, event) => {
        if (op === this.#op) this.#push({ event, op, updates: 0 });
      },
      data: (op, event, bytes) => {
        if (op !== this.#op) return;
        this.#stats.updates++;
        this.#stats.bytes += bytes;
        if (!event.overrun.isEmpty()) this.#stats.serverSquashed++;
        this.#push({ event, op, updates: 1 });
      },
      finish: (error) => this.#stop(error),
    };
  }

  /** The channel connected: start an operation on it. */
  #connected(conn: ClientConnection, sid: number): void {
    if (this.#inbox.ended) return;
    this.#op = new MonitorOp(this.#sink, conn, sid);
  }

  /** The channel is gone for now: report the gap (if we had reported the connection). */
  #disconnected(reason: string): void {
    const announced = this.#op?.type !== undefined;
    this.#op = null;
    if (announced) this.#push({ event: { kind: "disconnected", reason }, op: null, updates: 0 });
  }

  /** Queues an event; a data event meeting a full queue is folded into the last one. */
  #push(entry: Entry): void {
    const last = this.#inbox.last;
    if (entry.event.kind === "data" && this.#queuedData >= this.queueSize && last?.event.kind === "data") {
      this.#stats.queueSquashed++;
      squash(last, entry);
    } else {
      if (entry.event.kind === "data") {
        this.#queuedData++;
        this.#stats.maxQueueLength = Math.max(this.#stats.maxQueueLength, this.#queuedData);
      }
      this.#inbox.push(entry);
    }
  }

  /** An entry was handed to the consumer: acknowledge its updates to the operation they came from. */
  #taken(entry: Entry): void {
    if (entry.event.kind !== "data") return;
    this.#queuedData--;
    if (entry.op === this.#op) this.#op?.consumed(entry.updates);
  }

  /** Ends with `reason` thrown from the next `next()`. */
  #fail(reason: unknown): void {
    this.#queuedData = 0;
    if (this.#inbox.fail(reason)) this.#release();
  }

  /** Ends after the queued events (then throws `error`, if any). */
  #stop(error: Error | null = null): void {
    if (this.#inbox.end(error)) this.#release();
  }

  /** Releases the channel and the operation. */
  #release(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#unlisten();
    this.#op?.close();
    this.#op = null;
    this.#pool.release(this.#ch);
    this.#onEnd(this);
  }
}

/** Folds a newer update into the last queued one (the rule the server's queue follows too). */
function squash(last: Entry, next: Entry): void {
  const a = last.event as MonitorData;
  const b = next.event as MonitorData;
  const { changed, overrun } = foldChange(b.type, a, b);
  a.changed = changed;
  a.overrun = overrun;
  a.value = b.value;
  a.type = b.type;
  a.taken = b.taken;
  last.updates += next.updates;
}
