/**
 * A raw pvAccess client for server tests: one TCP connection driven message by message, so a
 * test can send what a well-behaved client never would (malformed frames, stale ids, unacked
 * pipelines, a socket nobody reads) and inspect every reply in order. Framing is the project's
 * own {@link MessageStream}; this file adds only the handshake, a queue of received messages and
 * a socket whose reading can be paused.
 *
 * @module
 */
import { Inbox } from "./inbox.ts";
import { readStatus, type Status, STATUS_OK } from "../../protocol/pvdata/status.ts";
import { Reader } from "../../protocol/pvdata/reader.ts";
import { parseRequest } from "../../protocol/pvdata/pvrequest.ts";
import type { Writer } from "../../protocol/pvdata/writer.ts";
import { type Message, MessageStream } from "../../protocol/pva/message_stream.ts";
import { encodeMessage } from "../../protocol/pva/frame.ts";
import { Command, ControlCommand, Subcmd } from "../../protocol/pva/header.ts";
import {
  caCredentials,
  type CreateChannelResponse,
  type OpResponseHead,
  readCreateChannelResponse,
  readOpResponseHead,
  readValidationRequest,
  writeCreateChannelRequest,
  writeOpRequestHead,
  writeValidationResponse,
} from "../../protocol/pva/messages/mod.ts";
import { writeTyped } from "../../protocol/pva/client/op.ts";

/** How a {@link RawPvaClient} validates its connection. */
export interface RawConnectOptions {
  /** Validate with the `ca` method as this user; anonymous when absent. */
  user?: string;
  /** Host name claimed with `ca`. */
  host?: string;
  /** Milliseconds allowed for each handshake step. */
  timeoutMs?: number;
}

/** What an INIT sends besides sid and ioid. */
export interface InitOptions {
  /** pvRequest text (default "": every field). */
  request?: string;
  /** Subcommand (default INIT; INIT | PIPELINE_ACK for a pipelined monitor). */
  subcmd?: number;
  /** Writes what follows the pvRequest (a pipelined monitor's window). */
  after?: (w: Writer) => void;
}

/** An operation reply: its head and a reader positioned after it. */
export interface OpReply {
  head: OpResponseHead;
  r: Reader;
}

/** The parts of a socket {@link MessageStream} uses; reads wait while paused. */
class PausableSocket {
  private gate: Promise<void> | null = null;
  private open = () => {};

  constructor(private readonly inner: Deno.TcpConn) {}

  pause(): void {
    this.gate ??= new Promise((resolve) => this.open = resolve);
  }

  resume(): void {
    this.gate = null;
    this.open();
  }

  async read(p: Uint8Array): Promise<number | null> {
    while (this.gate) await this.gate;
    return this.inner.read(p);
  }

  write(p: Uint8Array): Promise<number> {
    return this.inner.write(p);
  }

  close(): void {
    this.inner.close();
  }
}

/**
 * One raw client connection to a pvAccess server on 127.0.0.1.
 *
 * @example
 * ```ts ignore
 * const raw = await RawPvaClient.connect(server.tcpPort, { user: "alice" });
 * const { sid } = await raw.createChannel("pv:x");
 * const { head } = await raw.init(Command.GET, sid, 1);
 * raw.close();
 * ```
 */
export class RawPvaClient {
  /** The framed connection (role "client"). */
  readonly stream: MessageStream;
  /** Resolves once the connection has closed, with the error that closed it, if any. */
  readonly closed: Promise<Error | undefined>;
  /** The Status of CONNECTION_VALIDATED. */
  validation: Status = STATUS_OK;

  private readonly socket: PausableSocket;
  private readonly inbox = new Inbox<Message>();
  private echoes = 0;

  private constructor(socket: Deno.TcpConn) {
    this.socket = new PausableSocket(socket);
    let onClosed!: (e?: Error) => void;
    this.closed = new Promise((resolve) => onClosed = resolve);
    this.stream = new MessageStream(this.socket as unknown as Deno.Conn, {
      role: "client",
      onMessage: (m) => this.inbox.push(m),
      onControl: (m) => {
        if (m.command === ControlCommand.SET_BYTE_ORDER) this.stream.littleEndian = m.littleEndian;
      },
      onClose: (e) => {
        onClosed(e);
        this.inbox.end();
      },
    });
  }

  /** Connects to 127.0.0.1:`port` and completes the handshake (anonymous, or `ca` with a user). */
  static async connect(port: number, opts: RawConnectOptions = {}): Promise<RawPvaClient> {
    const { user, host = "testhost", timeoutMs = 5000 } = opts;
    const raw = new RawPvaClient(await Deno.connect({ hostname: "127.0.0.1", port }));
    raw.stream.run();
    const offered = readValidationRequest(await raw.expect(Command.CONNECTION_VALIDATION, timeoutMs));
    const method = user === undefined ? "anonymous" : "ca";
    if (!offered.authMethods.includes(method)) throw new Error(`server does not offer ${method}`);
    await raw.send(Command.CONNECTION_VALIDATION, (w) =>
      writeValidationResponse(w, {
        bufferSize: 0x10000,
        registrySize: 0x7fff,
        qos: 0,
        method,
        credentials: user === undefined ? null : caCredentials(user, host),
      }));
    raw.validation = readStatus(await raw.expect(Command.CONNECTION_VALIDATED, timeoutMs));
    raw.stream.markValidated();
    return raw;
  }

  /** True once the connection has closed. */
  get isClosed(): boolean {
    return this.stream.closed;
  }

  /** Sends one application message in the byte order the server announced. */
  send(command: number, body: (w: Writer) => void): Promise<void> {
    return this.stream.send(encodeMessage(command, "client", this.stream.littleEndian, body));
  }

  /** Writes bytes as they are (hand-made or malformed frames). */
  write(bytes: Uint8Array): Promise<void> {
    return this.stream.send([bytes]);
  }

  /** The next received message; rejects on close or after `timeoutMs`. */
  next(timeoutMs = 5000): Promise<Message> {
    return this.inbox.take(timeoutMs, "message");
  }

  /** The next message, which must be `command`. */
  async nextOf(command: number, timeoutMs = 5000): Promise<Message> {
    const m = await this.next(timeoutMs);
    if (m.command !== command) {
      throw new Error(`expected command 0x${command.toString(16)}, got 0x${m.command.toString(16)}`);
    }
    return m;
  }

  /** A reader over the next message, which must be `command`. */
  async expect(command: number, timeoutMs = 5000): Promise<Reader> {
    return this.reader(await this.nextOf(command, timeoutMs));
  }

  /** A reader over a received message's payload (with this connection's type cache). */
  reader(m: Message): Reader {
    return new Reader(m.payload, m.littleEndian, { typeCache: this.stream.rxTypes });
  }

  /** A received operation reply, its head read. */
  opReply(m: Message): OpReply {
    const r = this.reader(m);
    return { head: readOpResponseHead(r, m.command), r };
  }

  /**
   * Sends an ECHO with a fresh token and returns whatever arrived before its echo: the server
   * handles messages in order, so an empty result means it answered nothing sent earlier.
   */
  async ping(timeoutMs = 5000): Promise<Message[]> {
    const token = new TextEncoder().encode(`ping ${++this.echoes}`);
    await this.send(Command.ECHO, (w) => w.bytes(token));
    const before: Message[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      if (m.command === Command.ECHO && sameBytes(m.payload, token)) return before;
      before.push(m);
    }
  }

  /** Creates one channel and returns the server's answer (sid and Status). */
  async createChannel(name: string, cid = 1): Promise<CreateChannelResponse> {
    await this.send(Command.CREATE_CHANNEL, (w) => writeCreateChannelRequest(w, [{ cid, name }]));
    return readCreateChannelResponse(await this.expect(Command.CREATE_CHANNEL));
  }

  /** Sends an operation request: sid, ioid, subcommand, then `body`. */
  request(
    command: number,
    sid: number,
    ioid: number,
    subcmd: number,
    body?: (w: Writer) => void,
  ): Promise<void> {
    return this.send(command, (w) => {
      writeOpRequestHead(w, { sid, ioid, subcmd });
      body?.(w);
    });
  }

  /** Sends an INIT with the pvRequest `request` (text form) and reads its reply. */
  async init(
    command: number,
    sid: number,
    ioid: number,
    { request = "", subcmd = Subcmd.INIT, after }: InitOptions = {},
  ): Promise<OpReply> {
    await this.request(command, sid, ioid, subcmd, (w) => {
      writeTyped(w, parseRequest(request));
      after?.(w);
    });
    return this.reply(command);
  }

  /** Reads the next message, which must be a reply of `command`. */
  async reply(command: number, timeoutMs = 5000): Promise<OpReply> {
    return this.opReply(await this.nextOf(command, timeoutMs));
  }

  /** Stops reading the socket (the server's writes back up once the kernel buffers fill). */
  pauseReading(): void {
    this.socket.pause();
  }

  /** Reads the socket again. */
  resumeReading(): void {
    this.socket.resume();
  }

  /** True if the connection closes within `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
    try {
      return await Promise.race([this.closed.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the connection. */
  close(): void {
    this.socket.resume();
    this.stream.close();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
