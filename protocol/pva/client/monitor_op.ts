/**
 * The MONITOR operation of a subscription on one connection: INIT with the request, START
 * (unless paused), updates merged onto the last value, pipeline acks as the consumer takes
 * updates, STOP/START for pause and resume, DESTROY_REQUEST at the end.
 * @module
 */
import { BitSet } from "../../pvdata/bitset.ts";
import { expandBits, readChanged } from "../../pvdata/partial.ts";
import type { Reader } from "../../pvdata/reader.ts";
import { isSuccess } from "../../pvdata/status.ts";
import { readNonNullType } from "../../pvdata/typedesc.ts";
import type { FieldDesc, StructValue } from "../../pvdata/types.ts";
import { defaultValue } from "../../pvdata/value.ts";
import { Command, Subcmd } from "../header.ts";
import { readOpResponseHead, writeOpRequestHead, writeRequestRef } from "../messages/mod.ts";
import type { ClientConnection, ConnOp } from "./conn.ts";
import { PvaRemoteError } from "./errors.ts";
import type { MonitorEvent } from "./monitor_event.ts";
import type { MonitorRequest } from "./monitor_request.ts";
import type { PayloadPlacement } from "./monitor_placement.ts";
import { forgetBuffers } from "./monitor_take.ts";
import { writeTyped } from "./op.ts";

/** What an operation reports to its subscription (kept out of the subscription's public API). */
export interface MonitorSink {
  /** PV name, for error messages. */
  readonly name: string;
  /** The request sent with INIT. */
  readonly request: MonitorRequest;
  /** The same with `pipeline=false`, for servers that cannot pipeline. */
  readonly unpipelinedRequest: MonitorRequest;
  /** Queue size (the initial pipeline window). */
  readonly queueSize: number;
  /** Whether the server is asked for flow control. */
  readonly pipeline: boolean;
  /** Acknowledge once this many updates were taken. */
  readonly ackAny: number;
  /** Where large payloads go in their buffers (learnt across connections: a PV's layout rarely changes). */
  readonly placement: PayloadPlacement;
  /** Whether the consumer paused the subscription (INIT is then not followed by START). */
  isPaused(): boolean;
  /** The INIT reply arrived: the operation is live. */
  connected(op: MonitorOp, event: Extract<MonitorEvent, { kind: "connected" }>): void;
  /** One update, `bytes` long on the wire (payload of the MONITOR message). */
  data(op: MonitorOp, event: Extract<MonitorEvent, { kind: "data" }>, bytes: number): void;
  /** The server ended the subscription (error set when it refused or failed it). */
  finish(error: Error | null): void;
}

/** The subscription's operation on one connection. */
export class MonitorOp implements ConnOp {
  /** Server id of the channel. */
  readonly sid: number;
  /** The operation's type, once the INIT reply arrived. */
  type: FieldDesc | undefined;

  readonly #sink: MonitorSink;
  readonly #conn: ClientConnection;
  readonly #ioid: number;
  /** Asked for, and the server can: see `ClientConnection.pipelines`. */
  readonly #pipelined: boolean;
  #last: StructValue = {};
  /** Leaf fields of #last that hold an empty array since their arrays were taken. */
  #taken = new BitSet();
  #unacked = 0;

  /**
   * Sends INIT on `conn` for the channel `sid`.
   * @param sink the subscription
   * @param conn the connection
   * @param sid the channel's server id
   */
  constructor(sink: MonitorSink, conn: ClientConnection, sid: number) {
    this.#sink = sink;
    this.#conn = conn;
    this.sid = sid;
    this.#ioid = conn.addOp(this);
    const pipelined = this.#pipelined = sink.pipeline && conn.pipelines;
    conn.send(Command.MONITOR, (w) => {
      writeOpRequestHead(w, {
        sid,
        ioid: this.#ioid,
        subcmd: pipelined ? Subcmd.INIT | Subcmd.PIPELINE_ACK : Subcmd.INIT,
      });
      writeTyped(w, pipelined || !sink.pipeline ? sink.request : sink.unpipelinedRequest);
      if (pipelined) w.u32(sink.queueSize);
    });
  }

  /** @inheritdoc */
  onReply(command: number, r: Reader): void {
    if (command !== Command.MONITOR) return;
    const bytes = r.remaining;
    const head = readOpResponseHead(r, command);
    if (head.subcmd & Subcmd.INIT) {
      if (!isSuccess(head.status)) {
        this.#sink.finish(new PvaRemoteError(`monitor ${this.#sink.name}`, head.status));
        return;
      }
      const type = this.type = readNonNullType(r, "monitor type");
      this.#last = defaultValue(type) as StructValue;
      if (!this.#sink.isPaused()) this.#sendSubcmd(Subcmd.START);
      this.#sink.connected(this, { kind: "connected", server: this.#conn.key, type });
      return;
    }
    if (this.type === undefined) return;
    // A final reply may still carry one last update after its Status.
    if (!(head.subcmd & Subcmd.DESTROY) || r.remaining > 0) this.#update(r, this.type, bytes);
    if (head.subcmd & Subcmd.DESTROY) {
      this.#sink.finish(
        isSuccess(head.status) ? null : new PvaRemoteError(`monitor ${this.#sink.name}`, head.status),
      );
    }
  }

  /** @inheritdoc */
  payloadShift(head: Uint8Array): number {
    return this.#sink.placement.shift(head);
  }

  /** @inheritdoc */
  onLost(): void {
    // The channel tells the subscription; nothing is left to clean up here.
  }

  /** The consumer took `n` updates of ours: acknowledge them once there are enough. */
  consumed(n: number): void {
    if (!this.#pipelined || this.#conn.isClosed) return;
    this.#unacked += n;
    if (this.#unacked < this.#sink.ackAny) return;
    const nfree = this.#unacked;
    this.#unacked = 0;
    this.#conn.send(Command.MONITOR, (w) => {
      writeOpRequestHead(w, { sid: this.sid, ioid: this.#ioid, subcmd: Subcmd.PIPELINE_ACK });
      w.u32(nfree);
    });
  }

  /** Asks the server to stop (`running` false) or start sending updates again. */
  setRunning(running: boolean): void {
    if (this.type !== undefined && !this.#conn.isClosed) {
      this.#sendSubcmd(running ? Subcmd.START : Subcmd.STOP);
    }
  }

  /** Forgets the arrays backed by `buffers` in the merge state (see Subscription.take). */
  forget(buffers: ReadonlySet<ArrayBufferLike>): void {
    if (this.type === undefined) return;
    const { value, lost } = forgetBuffers(this.type, this.#last, buffers);
    this.#last = value as StructValue;
    this.#taken.or(lost);
  }

  /** Unregisters and tells the server. */
  close(): void {
    this.#conn.removeOp(this.#ioid);
    if (!this.#conn.isClosed) {
      this.#conn.send(
        Command.DESTROY_REQUEST,
        (w) => writeRequestRef(w, { sid: this.sid, ioid: this.#ioid }),
      );
    }
  }

  #update(r: Reader, type: FieldDesc, bytes: number): void {
    const { value, changed } = readChanged(r, type, this.#last);
    this.#sink.placement.observe(type, { value, changed }, r.bytes, r.littleEndian);
    this.#last = value as StructValue;
    const overrun = r.remaining > 0 ? BitSet.read(r) : new BitSet();
    if (!this.#taken.isEmpty()) { for (const bit of expandBits(type, changed)) this.#taken.clear(bit); }
    const taken = this.#taken.clone();
    this.#sink.data(this, { kind: "data", type, value: this.#last, changed, overrun, taken }, bytes);
  }

  #sendSubcmd(subcmd: number): void {
    this.#conn.send(
      Command.MONITOR,
      (w) => writeOpRequestHead(w, { sid: this.sid, ioid: this.#ioid, subcmd }),
    );
  }
}
