/**
 * MONITOR: a subscription that lives across reconnections. Each connection of the channel
 * gets its own operation (INIT, START, updates merged onto the last full value, pipeline
 * acks as the consumer takes updates); losing it is reported as an explicit gap.
 * @module
 */
import { BitSet } from "../../pvdata/bitset.ts";
import { overlapBits, readChanged } from "../../pvdata/partial.ts";
import {
  optionBool,
  optionNumber,
  parseRequest,
  type PvRequest,
  requestOptions,
} from "../../pvdata/pvrequest.ts";
import type { Reader } from "../../pvdata/reader.ts";
import { isSuccess } from "../../pvdata/status.ts";
import { readNonNullType } from "../../pvdata/typedesc.ts";
import type { FieldDesc, StructValue } from "../../pvdata/types.ts";
import { defaultValue } from "../../pvdata/value.ts";
import { Command, Subcmd } from "../header.ts";
import { readOpResponseHead, writeOpRequestHead, writeRequestRef } from "../messages/mod.ts";
import type { Channel } from "./channel.ts";
import type { ClientConn, ConnOp } from "./conn.ts";
import { PvaRemoteError } from "./errors.ts";
import { type ChannelPool, writeTyped } from "./op.ts";

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
    /** Fields that changed more than once since the previous update (values lost in between). */
    overrun: BitSet;
  }
  | { kind: "connected" }
  | { kind: "disconnected"; reason: string };

/** Options of a subscription. */
export interface MonitorOptions {
  /** pvRequest text; its `record[queueSize=..,pipeline=..]` win over the options below. */
  request?: string;
  /** Updates queued here (and, pipelining, in flight) before the server has to wait (default 4). */
  queueSize?: number;
  /** Flow control: the server sends only as many updates as we have room for (default true). */
  pipeline?: boolean;
  /** Ends the subscription; the iterator then throws the signal's reason. */
  signal?: AbortSignal;
}

type DataEvent = Extract<MonitorEvent, { kind: "data" }>;

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
  /** Whether pipelining (flow control) was asked for. */
  readonly pipeline: boolean;

  /** @internal the request sent with each INIT */
  readonly request: PvRequest;
  /** @internal acknowledge once this many updates were taken */
  readonly ackAny: number;

  private readonly pool: ChannelPool;
  private readonly onEnd: (sub: Subscription) => void;
  private readonly ch: Channel;
  private readonly unlisten: () => void;
  private readonly signal?: AbortSignal;
  private readonly onAbort = () => this.fail(this.signal!.reason);
  private op: MonitorOp | null = null;
  private queue: Entry[] = [];
  private queuedData = 0;
  /** Pending `next()` calls waiting for an event. */
  private waiters: (() => void)[] = [];
  private error: unknown = null;
  private ended = false;

  /** True once the subscription has ended (closed, aborted, or finished by the server). */
  get isClosed(): boolean {
    return this.ended;
  }

  /**
   * Starts a subscription (normally through `PvaClient.monitor`).
   * @param pool where the channel comes from
   * @param name PV name
   * @param opts request, queue and pipeline options, signal
   * @param onEnd called once when the subscription has ended
   */
  constructor(
    pool: ChannelPool,
    name: string,
    opts: MonitorOptions = {},
    onEnd: (sub: Subscription) => void = () => {},
  ) {
    this.name = name;
    this.pool = pool;
    this.onEnd = onEnd;
    const defaults = `record[queueSize=${opts.queueSize ?? 4},pipeline=${opts.pipeline ?? true}]`;
    this.request = parseRequest(`${defaults} ${opts.request ?? ""}`);
    const options = requestOptions(this.request);
    this.queueSize = Math.max(1, Math.trunc(optionNumber(options, "queueSize", 4)));
    // pvxs: a window below 2 makes no sense, so pipelining needs queueSize >= 2.
    this.pipeline = optionBool(options, "pipeline", false) && this.queueSize >= 2;
    this.ackAny = Math.max(1, Math.floor(this.queueSize / 2));
    this.signal = opts.signal;
    this.ch = pool.acquire(name);
    this.unlisten = this.ch.listen(this);
    if (this.signal?.aborted) this.onAbort();
    else this.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** @internal the channel (as its listener) connected: start an operation on it */
  connected(conn: ClientConn, sid: number): void {
    if (this.ended) return;
    this.op = new MonitorOp(this, conn, sid);
  }

  /** @internal the channel is gone for now: report the gap (if we had reported the connection) */
  disconnected(reason: string): void {
    const announced = this.op?.type !== undefined;
    this.op = null;
    if (announced) this.push({ event: { kind: "disconnected", reason }, op: null, updates: 0 });
  }

  /** @internal an event from the current operation */
  push(entry: Entry): void {
    const last = this.queue.at(-1);
    if (entry.event.kind === "data" && this.queuedData >= this.queueSize && last?.event.kind === "data") {
      squash(last, entry);
    } else {
      this.queue.push(entry);
      if (entry.event.kind === "data") this.queuedData++;
    }
    this.wakeAll();
  }

  /** @internal the server ended the subscription (or refused it) */
  finish(error: Error | null): void {
    this.error ??= error;
    this.stop();
  }

  /** The next event; done once closed, throws when the server refused or the signal aborted. */
  async next(): Promise<IteratorResult<MonitorEvent>> {
    for (;;) {
      const entry = this.queue.shift();
      if (entry) {
        if (entry.event.kind === "data") {
          this.queuedData--;
          if (entry.op === this.op) this.op?.consumed(entry.updates);
        }
        return { value: entry.event, done: false };
      }
      if (this.error !== null) {
        const e = this.error;
        this.error = null;
        throw e;
      }
      if (this.ended) return { value: undefined, done: true };
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
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

  /** Stops the subscription and drops undelivered events. */
  close(): void {
    this.queue = [];
    this.queuedData = 0;
    this.stop();
  }

  /** Resumes every pending `next()` so it rechecks the queue and the end state. */
  private wakeAll(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Ends with `reason` thrown from the next `next()`. */
  private fail(reason: unknown): void {
    this.queue = [];
    this.queuedData = 0;
    this.error = reason;
    this.stop();
  }

  /** Releases the channel and the operation; wakes a waiting `next()`. */
  private stop(): void {
    if (this.ended) {
      this.wakeAll();
      return;
    }
    this.ended = true;
    this.signal?.removeEventListener("abort", this.onAbort);
    this.unlisten();
    this.op?.close();
    this.op = null;
    this.pool.release(this.ch);
    this.onEnd(this);
    this.wakeAll();
  }
}

/** Folds a newer update into the last queued one when the queue is full. */
function squash(last: Entry, next: Entry): void {
  const a = last.event as DataEvent;
  const b = next.event as DataEvent;
  a.overrun.or(overlapBits(b.type, a.changed, b.changed)).or(b.overrun);
  a.changed.or(b.changed);
  a.value = b.value;
  a.type = b.type;
  last.updates += next.updates;
}

/** The subscription's operation on one connection. */
class MonitorOp implements ConnOp {
  readonly sid: number;
  /** Set by the INIT reply. */
  type: FieldDesc | undefined;

  private readonly sub: Subscription;
  private readonly conn: ClientConn;
  private readonly ioid: number;
  private last: StructValue = {};
  private unacked = 0;

  constructor(sub: Subscription, conn: ClientConn, sid: number) {
    this.sub = sub;
    this.conn = conn;
    this.sid = sid;
    this.ioid = conn.addOp(this);
    conn.send(Command.MONITOR, (w) => {
      writeOpRequestHead(w, {
        sid,
        ioid: this.ioid,
        subcmd: sub.pipeline ? Subcmd.INIT | Subcmd.PIPELINE_ACK : Subcmd.INIT,
      });
      writeTyped(w, sub.request);
      if (sub.pipeline) w.u32(sub.queueSize);
    });
  }

  onReply(command: number, r: Reader): void {
    if (command !== Command.MONITOR) return;
    const head = readOpResponseHead(r, command);
    if (head.subcmd & Subcmd.INIT) {
      if (!isSuccess(head.status)) {
        this.sub.finish(new PvaRemoteError(`monitor ${this.sub.name}`, head.status));
        return;
      }
      this.type = readNonNullType(r, "monitor type");
      this.last = defaultValue(this.type) as StructValue;
      this.sendSubcmd(Subcmd.START);
      this.sub.push({ event: { kind: "connected" }, op: this, updates: 0 });
      return;
    }
    if (this.type === undefined) return;
    // A final reply may still carry one last update after its Status.
    if (!(head.subcmd & Subcmd.DESTROY) || r.remaining > 0) this.update(r, this.type);
    if (head.subcmd & Subcmd.DESTROY) {
      this.sub.finish(
        isSuccess(head.status) ? null : new PvaRemoteError(`monitor ${this.sub.name}`, head.status),
      );
    }
  }

  onLost(): void {
    // The channel tells the subscription; nothing is left to clean up here.
  }

  /** The consumer took `n` updates of ours: acknowledge them once there are enough. */
  consumed(n: number): void {
    if (!this.sub.pipeline || this.conn.isClosed) return;
    this.unacked += n;
    if (this.unacked < this.sub.ackAny) return;
    const nfree = this.unacked;
    this.unacked = 0;
    this.conn.send(Command.MONITOR, (w) => {
      writeOpRequestHead(w, { sid: this.sid, ioid: this.ioid, subcmd: Subcmd.PIPELINE_ACK });
      w.u32(nfree);
    });
  }

  /** Unregisters and tells the server. */
  close(): void {
    this.conn.removeOp(this.ioid);
    if (!this.conn.isClosed) {
      this.conn.send(Command.DESTROY_REQUEST, (w) => writeRequestRef(w, { sid: this.sid, ioid: this.ioid }));
    }
  }

  private update(r: Reader, type: FieldDesc): void {
    const { value, changed } = readChanged(r, type, this.last);
    this.last = value as StructValue;
    const overrun = r.remaining > 0 ? BitSet.read(r) : new BitSet();
    this.sub.push({
      event: { kind: "data", type, value: this.last, changed, overrun },
      op: this,
      updates: 1,
    });
  }

  private sendSubcmd(subcmd: number): void {
    this.conn.send(Command.MONITOR, (w) => writeOpRequestHead(w, { sid: this.sid, ioid: this.ioid, subcmd }));
  }
}
