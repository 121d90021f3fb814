/**
 * A virtual circuit: the client's TCP connection to one CA server, shared by every channel
 * on that server. It announces us (VERSION, CLIENT_NAME, HOST_NAME), frames the messages it
 * reads, hands each to the channel or operation it names, and checks a quiet server with ECHO.
 *
 * A payload handed to a handler is a view into the read buffer, valid only during the call:
 * decoding copies what it keeps (the values are byte-swapped into their own arrays anyway).
 * @module
 */
import type { Logger } from "../log.ts";
import { DecodeError } from "../pvdata/errors.ts";
import type { CaConfig } from "./config.ts";
import { CaCommand, type CaHeader, readHeader } from "./header.ts";
import {
  clearChannelMessage,
  clientNameMessage,
  createChannelMessage,
  echoMessage,
  type ErrorReport,
  hostNameMessage,
  readErrorReport,
  versionMessage,
} from "./messages.ts";

/** A channel as the circuit sees it: told what the server says about it. */
export interface CircuitChannel {
  /** The server created the channel: its id, native DBR type and element count. */
  created(sid: number, nativeType: number, nativeCount: number): void;
  /** The server refused to create the channel. */
  createFailed(reason: string): void;
  /** Read/write rights changed (AccessRight bits). */
  rightsChanged(rights: number): void;
  /** The channel is gone: the server dropped it or the circuit closed. */
  lost(reason: string): void;
}

/** An operation (read or subscription) waiting for replies under its id. */
export interface CircuitOp {
  /** A reply naming this operation; `payload` is valid only during the call. */
  onReply(h: CaHeader, payload: Uint8Array): void;
  /** The server reported that the request failed. */
  onError(report: ErrorReport): void;
  /** The circuit closed. */
  onLost(reason: string): void;
}

/** Options of {@link CaCircuit.open}. */
export interface CircuitOptions {
  config: CaConfig;
  logger: Logger;
  /** Called once when the circuit has closed. */
  onClose?: (reason: string) => void;
}

/** Room for the DBR fields in front of the largest array (a CTRL_ENUM's are the longest). */
const DBR_HEAD_ROOM = 512;
const READ_BUFFER = 64 * 1024;
/**
 * Seconds an ECHO or a CREATE_CHAN may go unanswered before the circuit is given up. RSRV
 * answers both at once; a circuit that does not is dead, or out of step after a corrupted
 * length field, which no later byte can reveal.
 */
const REPLY_TIMEOUT_S = 5;

/**
 * One TCP circuit to a CA server.
 * @example
 * ```ts ignore
 * const circuit = await CaCircuit.open("127.0.0.1", 5064, { config, logger });
 * circuit.addChannel(1, "motor:x", channel); // CREATE_CHAN
 * ```
 */
export class CaCircuit {
  /** Server address. */
  readonly host: string;
  /** Server port. */
  readonly port: number;

  #socket: Deno.TcpConn;
  #opts: CircuitOptions;
  #channels = new Map<number, CircuitChannel>();
  #ops = new Map<number, CircuitOp>();
  #nextIoid = 1;
  #peerMinor = 0;
  #closed = false;
  #writing: Promise<void> = Promise.resolve();
  #lastReceived = performance.now();
  #echoSentAt: number | null = null;
  /** performance.now() at which each unanswered CREATE_CHAN went out, by cid. */
  #creating = new Map<number, number>();
  #timer: ReturnType<typeof setInterval>;

  private constructor(socket: Deno.TcpConn, host: string, port: number, opts: CircuitOptions) {
    this.#socket = socket;
    this.host = host;
    this.port = port;
    this.#opts = opts;
    socket.setNoDelay(true);
    this.#timer = setInterval(() => this.#checkAlive(), 1000);
  }

  /**
   * Connects and introduces us; the read loop runs until the circuit closes.
   * @param host server address
   * @param port server TCP port
   * @param opts configuration, logger, close callback
   */
  static async open(host: string, port: number, opts: CircuitOptions): Promise<CaCircuit> {
    const socket = await Deno.connect({ hostname: host, port });
    const circuit = new CaCircuit(socket, host, port, opts);
    circuit.send(versionMessage());
    circuit.send(clientNameMessage(opts.config.userName));
    circuit.send(hostNameMessage(opts.config.hostName));
    circuit.#run();
    return circuit;
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** The server's minor protocol version (0 until its VERSION arrived). */
  get peerMinorVersion(): number {
    return this.#peerMinor;
  }

  /** Asks the server for a channel: CREATE_CHAN with our `cid`. */
  addChannel(cid: number, name: string, channel: CircuitChannel): void {
    if (this.#closed) return channel.lost("circuit closed");
    this.#channels.set(cid, channel);
    this.#creating.set(cid, performance.now());
    this.send(createChannelMessage(cid, name));
  }

  /** Forgets a channel; with the server's `sid`, tells the server too (CLEAR_CHANNEL). */
  removeChannel(cid: number, sid?: number): void {
    this.#creating.delete(cid);
    if (!this.#channels.delete(cid)) return;
    if (sid !== undefined) this.send(clearChannelMessage(sid, cid));
  }

  /** Registers an operation; returns its id for the request. */
  addOp(op: CircuitOp): number {
    const ioid = this.#nextIoid++;
    this.#ops.set(ioid, op);
    return ioid;
  }

  /** Forgets an operation: later replies to its id are ignored. */
  removeOp(ioid: number): void {
    this.#ops.delete(ioid);
  }

  /** Queues bytes for writing, in order. */
  send(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#writing = this.#writing.then(async () => {
      if (this.#closed) return;
      for (let off = 0; off < bytes.length;) off += await this.#socket.write(bytes.subarray(off));
    }).catch((e) => this.close(`write failed: ${(e as Error).message}`));
  }

  /** Closes the socket (idempotent); every channel and operation hears `reason`. */
  close(reason = "circuit closed"): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    try {
      this.#socket.close();
    } catch {
      // Already closed by the peer.
    }
    for (const ch of [...this.#channels.values()]) ch.lost(reason);
    for (const op of [...this.#ops.values()]) op.onLost(reason);
    this.#channels.clear();
    this.#ops.clear();
    this.#opts.onClose?.(reason);
  }

  async #run(): Promise<void> {
    let reason = "server closed the connection";
    try {
      await this.#readLoop();
    } catch (e) {
      if (e instanceof DecodeError) {
        reason = `malformed message from ${this.host}:${this.port}: ${e.message}`;
        this.#opts.logger.warn("ca circuit closed", { peer: `${this.host}:${this.port}`, error: e.message });
      } else if (!this.#closed) {
        reason = `read failed: ${(e as Error).message}`;
        this.#opts.logger.error("ca circuit failed", { peer: `${this.host}:${this.port}`, error: e });
      }
    }
    this.close(reason);
  }

  /** Frames messages: a header, then its payload, which may not exceed the array size limit. */
  async #readLoop(): Promise<void> {
    const maxPayload = this.#opts.config.maxArrayBytes + DBR_HEAD_ROOM;
    let buf = new Uint8Array(READ_BUFFER);
    let start = 0;
    let end = 0;
    // Buffers `n` bytes from `start`, growing only when received bytes fill the buffer:
    // never more than twice what the peer actually sent.
    const fill = async (n: number): Promise<boolean> => {
      while (end - start < n) {
        if (end === buf.length && start > 0) {
          buf.copyWithin(0, start, end);
          end -= start;
          start = 0;
        } else if (end === buf.length) {
          const grown = new Uint8Array(Math.min(buf.length * 2, n));
          grown.set(buf);
          buf = grown;
        }
        const got = await this.#socket.read(buf.subarray(end));
        if (got === null) return false;
        end += got;
        this.#lastReceived = performance.now();
        this.#echoSentAt = null;
      }
      return true;
    };
    while (!this.#closed) {
      if (!await fill(16)) return;
      let head = readHeader(buf, start);
      if (head === undefined) {
        if (!await fill(24)) return;
        head = readHeader(buf, start)!;
      }
      const { header, size } = head;
      if (header.payloadSize > maxPayload) {
        throw new DecodeError(
          start,
          `payload of ${header.payloadSize} bytes exceeds the limit of ${maxPayload}`,
        );
      }
      if (!await fill(size + header.payloadSize)) return;
      const payload = buf.subarray(start + size, start + size + header.payloadSize);
      start += size + header.payloadSize;
      this.#dispatch(header, payload);
      if (start === end) {
        start = end = 0;
        // A buffer grown for one large message is not kept.
        if (buf.length > READ_BUFFER) buf = new Uint8Array(READ_BUFFER);
      }
    }
  }

  #dispatch(h: CaHeader, payload: Uint8Array): void {
    switch (h.command) {
      case CaCommand.VERSION:
        this.#peerMinor = h.dataCount;
        return;
      case CaCommand.ACCESS_RIGHTS:
        return this.#channels.get(h.parameter1)?.rightsChanged(h.parameter2);
      case CaCommand.CREATE_CHAN: {
        this.#creating.delete(h.parameter1);
        const ch = this.#channels.get(h.parameter1);
        // Closed while the server was creating it: release the server's side too.
        if (ch === undefined) return this.send(clearChannelMessage(h.parameter2, h.parameter1));
        return ch.created(h.parameter2, h.dataType, h.dataCount);
      }
      case CaCommand.CREATE_CH_FAIL: {
        this.#creating.delete(h.parameter1);
        const ch = this.#channels.get(h.parameter1);
        this.#channels.delete(h.parameter1);
        return ch?.createFailed("the server refused to create the channel");
      }
      case CaCommand.SERVER_DISCONN: {
        const ch = this.#channels.get(h.parameter1);
        this.#channels.delete(h.parameter1);
        return ch?.lost("the server dropped the channel");
      }
      case CaCommand.READ_NOTIFY:
      case CaCommand.EVENT_ADD:
        return this.#ops.get(h.parameter2)?.onReply(h, payload);
      case CaCommand.ERROR:
        return this.#onError(readErrorReport(h, payload));
      default:
        // ECHO replies only prove liveness; CLEAR_CHANNEL confirmations need nothing.
        return;
    }
  }

  #onError(report: ErrorReport): void {
    const r = report.request;
    if (r.command === CaCommand.CREATE_CHAN) {
      this.#creating.delete(r.parameter1);
      const ch = this.#channels.get(r.parameter1);
      this.#channels.delete(r.parameter1);
      return ch?.createFailed(report.message || `status ${report.status}`);
    }
    const op = this.#ops.get(r.parameter2);
    if (op) return op.onError(report);
    this.#opts.logger.warn("ca server reported an error", {
      peer: `${this.host}:${this.port}`,
      command: r.command,
      status: report.status,
      message: report.message,
    });
  }

  /** After a quiet spell, ECHO; no answer to it or to a CREATE_CHAN in time closes the circuit. */
  #checkAlive(): void {
    const now = performance.now();
    const oldestCreate = Math.min(...this.#creating.values());
    if (now - oldestCreate > REPLY_TIMEOUT_S * 1000) {
      this.close(`no answer to CREATE_CHAN within ${REPLY_TIMEOUT_S} s`);
    } else if (this.#echoSentAt !== null) {
      if (now - this.#echoSentAt > REPLY_TIMEOUT_S * 1000) this.close("no answer to ECHO");
    } else if (now - this.#lastReceived > this.#opts.config.connectionTimeout * 1000) {
      this.#echoSentAt = now;
      this.send(echoMessage());
    }
  }
}
