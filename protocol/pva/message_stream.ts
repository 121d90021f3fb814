/**
 * What client and server TCP connections share: reading messages off the socket (with
 * segment reassembly), a write queue that never interleaves messages, liveness tracking
 * and the per-direction type caches, all within the {@link PvaLimits} of one peer.
 *
 * Each delivered payload is its own memory: small messages are copied out of the read
 * buffer, large and segmented ones are assembled in a {@link PayloadBuffer} of their own
 * (read straight from the socket, grown as the bytes arrive: a header alone never makes us
 * allocate what it declares), recycled from a {@link PayloadPool} when one is given.
 * Decoded arrays can therefore be views onto the payload and be kept or transferred without
 * another copy.
 *
 * @module
 */
import { DecodeError } from "../pvdata/errors.ts";
import { BoundedTypeCache } from "../pvdata/reader.ts";
import { SHARE_THRESHOLD } from "../pvdata/writer.ts";
import { Flag, HEADER_SIZE, isControl, isFromServer, isLittleEndian, readHeader } from "./header.ts";
import type { Role } from "./frame.ts";
import { DEFAULT_PVA_LIMITS, PvaLimitError, type PvaLimits } from "./limits.ts";
import { PayloadBuffer } from "./payload_buffer.ts";
import type { PayloadPool } from "./payload_pool.ts";

/** A received application message. */
export interface Message {
  command: number;
  version: number;
  littleEndian: boolean;
  payload: Uint8Array;
}

/** A received control message (its value travels in the size field). */
export interface ControlMessage {
  command: number;
  value: number;
  littleEndian: boolean;
}

/** Options of a {@link MessageStream}. */
export interface MessageStreamOptions {
  /** Our side: decides the direction flag we expect on received messages. */
  role: Role;
  /** What the peer may cost us; {@link DEFAULT_PVA_LIMITS} when absent. */
  limits?: PvaLimits;
  /** Seconds without receiving anything after which the connection is closed (EPICS_PVA_CONN_TMO). */
  idleTimeout?: number;
  /** Called for each application message, in order. A thrown DecodeError closes the connection. */
  onMessage: (m: Message) => void;
  /** Called for each control message. */
  onControl?: (m: ControlMessage) => void;
  /** Called once when the connection has closed, with the reason if it was an error. */
  onClose?: (error?: Error) => void;
  /**
   * Where to place a large payload in the buffer allocated for it: the number of bytes (0-7)
   * to leave in front, so that an array at a known offset inside the payload starts aligned
   * and decodes as a view instead of a copy. Asked once per payload read straight into a
   * buffer of its own or assembled from segments, with the payload bytes already at hand
   * (`head`, possibly fewer than the caller would like, even none).
   */
  payloadShift?: (p: PayloadHead) => number;
  /** Recycled buffers to read large payloads into (see {@link PayloadPool}). */
  payloadPool?: PayloadPool;
}

/** What {@link MessageStreamOptions.payloadShift} is told about a payload before it is allocated. */
export interface PayloadHead {
  /** Its command. */
  command: number;
  /** Its byte order. */
  littleEndian: boolean;
  /** Its first bytes, as far as they have arrived. */
  head: Uint8Array;
}

const READ_BUFFER = 64 * 1024;
/** Payloads at least this large are read straight into their own buffer. */
const DIRECT_READ = 16 * 1024;
/** Consecutive small chunks are merged into one write up to this size. */
const COALESCE = 1024 * 1024;

/**
 * The framed message stream of one pvAccess TCP connection, used by both sides: the
 * client's `ClientConnection` and the server's `ServerConnection` each hold one
 * as `stream` and add the handshake and the dispatch of what it delivers.
 *
 * @example
 * ```ts ignore
 * const stream = new MessageStream(await Deno.connect({ port: 5075 }), {
 *   role: "client",
 *   onMessage: (m) => console.log(m.command, m.payload.length),
 * });
 * stream.run();
 * ```
 */
export class MessageStream {
  /** The socket. */
  readonly socket: Deno.Conn;
  /** Receive-side type cache (types the peer defined with 0xFD), bounded by maxTypeCacheFields. */
  readonly rxTypes: BoundedTypeCache;
  /** Byte order we send in. */
  littleEndian = true;
  /** Protocol version the peer announced in its last message. */
  peerVersion = 1;
  /** performance.now() of the last received byte. */
  lastReceived = performance.now();
  /** Bytes queued for writing and not yet written. */
  pendingBytes = 0;
  /** True once closed. */
  closed = false;

  private readonly opts: MessageStreamOptions;
  readonly #limits: PvaLimits;
  #validated = false;
  /** performance.now() when the first byte of the message being received arrived, else null. */
  #messageSince: number | null = null;
  /** True while reads wait for the peer to drain our replies. */
  #readsPaused = false;
  private writeQueue: Uint8Array[] = [];
  private writing: Promise<void> | null = null;
  private drainWaiters: (() => void)[] = [];
  /** Reused for merged writes: the write loop awaits each write before the next batch. */
  private scratch: Uint8Array | null = null;
  private idleTimer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param socket a connected TCP socket
   * @param opts role, callbacks and limits
   */
  constructor(socket: Deno.Conn, opts: MessageStreamOptions) {
    this.socket = socket;
    this.opts = opts;
    this.#limits = opts.limits ?? DEFAULT_PVA_LIMITS;
    this.rxTypes = new BoundedTypeCache(this.#limits.maxTypeCacheFields);
    if ("setNoDelay" in socket) (socket as Deno.TcpConn).setNoDelay(true);
  }

  /** True once the owner has seen connection validation complete. */
  get validated(): boolean {
    return this.#validated;
  }

  /** Connection validation is complete: messages up to maxMessageBytes are accepted from now on. */
  markValidated(): void {
    this.#validated = true;
  }

  /** Reads messages until the peer closes or sends something malformed; then closes. */
  async run(): Promise<void> {
    const idleMs = (this.opts.idleTimeout ?? 0) * 1000;
    const messageMs = this.#limits.messageTimeout * 1000;
    this.idleTimer = setInterval(() => {
      const now = performance.now();
      const silentMs = now - this.lastReceived;
      if (idleMs > 0 && silentMs > idleMs) {
        this.close(new Error(`nothing received for ${Math.round(silentMs / 1000)} s`));
      } else if (this.#messageSince !== null && now - this.#messageSince > messageMs) {
        this.close(new PvaLimitError("messageTimeout", `message not complete after ${messageMs / 1000} s`));
      }
    }, Math.min(...[idleMs, messageMs].filter((ms) => ms > 0).map((ms) => ms / 2), 5000));
    let error: Error | undefined;
    try {
      await this.readLoop();
    } catch (e) {
      if (!this.closed) error = e instanceof Error ? e : new Error(String(e));
    }
    this.close(error);
  }

  /** Queues whole messages (as chunks) for writing; resolves once they are written. */
  send(chunks: Uint8Array[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    for (const c of chunks) {
      this.writeQueue.push(c);
      this.pendingBytes += c.length;
    }
    this.writing ??= this.writeLoop();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Resolves once everything queued so far has been written (or the connection closed). */
  drained(): Promise<void> {
    if (this.closed || this.writeQueue.length === 0 && this.writing === null) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Closes the socket at once, dropping what is still queued for writing (idempotent), and
   * reports the reason once. An orderly end drains first: see {@link drained}.
   */
  close(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.idleTimer);
    try {
      this.socket.close();
    } catch {
      // Already closed by the peer.
    }
    for (const w of this.drainWaiters.splice(0)) w();
    this.opts.onClose?.(error);
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.writeQueue.length > 0 && !this.closed) {
        const batch = this.takeBatch();
        let off = 0;
        while (off < batch.length) off += await this.socket.write(off === 0 ? batch : batch.subarray(off));
        this.pendingBytes -= batch.length;
        // A peer draining our replies is alive, though we are not reading its bytes meanwhile.
        if (this.#readsPaused) this.lastReceived = performance.now();
        if (this.writeQueue.length === 0) { for (const w of this.drainWaiters.splice(0)) w(); }
      }
    } catch (e) {
      this.close(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.writing = null;
    }
  }

  /**
   * The next write: a chunk of {@link SHARE_THRESHOLD} bytes or more as it is, or the small
   * chunks before the next such one merged into one reused buffer up to {@link COALESCE}
   * bytes. Each write is a syscall and, with TCP_NODELAY, a segment of its own, so small
   * pieces are worth merging. A large chunk is usually an array shared by every subscriber
   * of a post (Writer.bytes keeps those by reference): copying it to save its header one
   * write would copy it once per connection.
   */
  private takeBatch(): Uint8Array {
    const first = this.writeQueue[0];
    if (first.length >= SHARE_THRESHOLD) return this.writeQueue.shift()!;
    let n = first.length;
    let k = 1;
    while (k < this.writeQueue.length) {
      const next = this.writeQueue[k];
      if (next.length >= SHARE_THRESHOLD || n + next.length > COALESCE) break;
      n += next.length;
      k++;
    }
    if (k === 1) return this.writeQueue.shift()!;
    this.scratch ??= new Uint8Array(COALESCE);
    let o = 0;
    for (const c of this.writeQueue.splice(0, k)) {
      this.scratch.set(c, o);
      o += c.length;
    }
    return this.scratch.subarray(0, n);
  }

  /** The caller's {@link MessageStreamOptions.payloadShift}, kept within 0-7. */
  private shiftFor(command: number, littleEndian: boolean, head: Uint8Array): number {
    const shift = this.opts.payloadShift?.({ command, littleEndian, head }) ?? 0;
    return Number.isInteger(shift) && shift > 0 ? shift % 8 : 0;
  }

  private async readLoop(): Promise<void> {
    const buf = new Uint8Array(READ_BUFFER);
    let start = 0;
    let end = 0;
    const received = (n: number) => {
      this.lastReceived = performance.now();
      if (n > 0) this.#messageSince ??= this.lastReceived;
    };
    // Reads until at least `n` bytes are buffered from `start`; false at end of stream.
    const fill = async (n: number): Promise<boolean> => {
      if (start + n > buf.length) {
        buf.copyWithin(0, start, end);
        end -= start;
        start = 0;
      }
      while (end - start < n) {
        const got = await this.socket.read(buf.subarray(end));
        if (got === null) return false;
        end += got;
        received(got);
      }
      return true;
    };
    // The segmented message being received, else null.
    let segmented: PayloadBuffer | null = null;
    let segmentCommand = -1;
    let segmentCount = 0;
    // The size of the last segmented payload: frames repeat at one size (see PayloadBuffer).
    let lastSegmented = 0;
    while (!this.closed) {
      if (segmented === null) {
        this.#messageSince = null;
        await this.#waitForPeerToRead();
        if (end > start) this.#messageSince = performance.now();
      }
      if (!await fill(HEADER_SIZE)) return;
      const at = start;
      const h = readHeader(buf, start);
      if (isFromServer(h) !== (this.opts.role === "client")) {
        throw new DecodeError(at, "message direction flag does not match the connection side");
      }
      this.peerVersion = h.version;
      start += HEADER_SIZE;
      if (isControl(h)) {
        this.opts.onControl?.({ command: h.command, value: h.payloadSize, littleEndian: isLittleEndian(h) });
        continue;
      }
      const seg = h.flags & Flag.SEGMENT_MASK;
      if (seg === 0 && segmented !== null) {
        throw new DecodeError(at, "unsegmented message inside a segmented one");
      }
      if (
        seg !== 0 &&
        ((seg === Flag.SEGMENT_FIRST) !== (segmented === null) || (segmented && h.command !== segmentCommand))
      ) {
        throw new DecodeError(at, "segment out of sequence");
      }
      // Each middle segment must carry bytes: otherwise a peer could send them forever for free.
      if (seg === Flag.SEGMENT_MIDDLE && h.payloadSize === 0) {
        throw new DecodeError(at, "empty middle segment");
      }
      this.#checkSize((segmented?.length ?? 0) + h.payloadSize, seg !== 0);
      if (segmented !== null && segmentCount >= this.#limits.maxSegments) {
        throw new PvaLimitError(
          "maxSegments",
          `more than ${this.#limits.maxSegments} segments in one message`,
        );
      }
      const littleEndian = isLittleEndian(h);
      // Large payloads are read straight from the socket; smaller ones are buffered first.
      const direct = h.payloadSize >= DIRECT_READ && h.payloadSize > end - start;
      if (!direct && !await fill(h.payloadSize)) return;
      let payload: Uint8Array;
      if (seg === 0 && !direct) {
        payload = buf.slice(start, start + h.payloadSize);
        start += h.payloadSize;
      } else {
        const have = buf.subarray(start, Math.min(end, start + h.payloadSize));
        const into: PayloadBuffer = segmented ?? new PayloadBuffer({
          shift: this.shiftFor(h.command, littleEndian, have),
          size: seg === 0 ? h.payloadSize : undefined,
          atHand: have.length,
          expected: lastSegmented,
          pool: this.opts.payloadPool,
        });
        const segmentEnd = into.length + h.payloadSize;
        into.append(have);
        start += have.length;
        if (start === end) start = end = 0;
        while (into.length < segmentEnd) {
          const got = await this.socket.read(into.room(segmentEnd));
          if (got === null) return;
          into.advance(got);
          received(got);
        }
        if (seg !== 0) {
          segmented = into;
          segmentCommand = h.command;
          segmentCount++;
          if (seg !== Flag.SEGMENT_LAST) continue;
          segmented = null;
          segmentCount = 0;
          lastSegmented = into.length;
        }
        payload = into.finish();
      }
      this.opts.onMessage({
        command: h.command,
        version: h.version,
        littleEndian,
        payload,
      });
    }
  }

  /** Refuses a message (or the segments so far) larger than the peer may send. */
  #checkSize(bytes: number, segmented: boolean): void {
    const limit = this.#validated ? "maxMessageBytes" : "maxUnvalidatedMessageBytes";
    const max = this.#limits[limit];
    if (bytes > max) {
      throw new PvaLimitError(
        limit,
        `${segmented ? "segmented " : ""}message of ${bytes} bytes exceeds ${max}`,
      );
    }
  }

  /** Back-pressure: while too many of our replies wait for the peer, read nothing more from it. */
  async #waitForPeerToRead(): Promise<void> {
    if (this.pendingBytes <= this.#limits.maxQueuedBytes) return;
    this.#readsPaused = true;
    try {
      while (this.pendingBytes > this.#limits.maxQueuedBytes && !this.closed) await this.drained();
    } finally {
      this.#readsPaused = false;
    }
  }
}
