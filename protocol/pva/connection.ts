/**
 * What client and server TCP connections share: reading messages off the socket (with
 * segment reassembly), a write queue that never interleaves messages, liveness tracking
 * and the per-direction type caches.
 *
 * Each delivered payload is its own memory: small messages are copied out of the read
 * buffer, large ones are read straight into a buffer of their exact size. Decoded arrays
 * can therefore be views onto the payload and be kept or transferred without another copy.
 *
 * @module
 */
import { DecodeError } from "../pvdata/errors.ts";
import type { TypeCache } from "../pvdata/reader.ts";
import { concatBytes } from "../pvdata/writer.ts";
import { Flag, HEADER_SIZE, isControl, isFromServer, isLittleEndian, readHeader } from "./header.ts";
import type { Role } from "./frame.ts";

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

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  /** Our side: decides the direction flag we expect on received messages. */
  role: Role;
  /** Largest accepted message payload (after reassembly), in bytes. */
  maxMessageBytes?: number;
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
   * buffer of its own or joined from segments, with the payload bytes already at hand
   * (`head`, possibly fewer than the caller would like, even none).
   */
  payloadShift?: (p: PayloadHead) => number;
}

/** What {@link ConnectionOptions.payloadShift} is told about a payload before it is allocated. */
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
/** Consecutive chunks are merged into one write up to this size. */
const COALESCE = 1024 * 1024;

/**
 * One pvAccess TCP connection, either side.
 *
 * @example
 * ```ts ignore
 * const conn = new Connection(await Deno.connect({ port: 5075 }), {
 *   role: "client",
 *   onMessage: (m) => console.log(m.command, m.payload.length),
 * });
 * conn.run();
 * ```
 */
export class Connection {
  /** The socket. */
  readonly socket: Deno.Conn;
  /** Receive-side type cache (types the peer defined with 0xFD). */
  readonly rxTypes: TypeCache = new Map();
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

  private readonly opts: ConnectionOptions;
  private readonly maxMessage: number;
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
  constructor(socket: Deno.Conn, opts: ConnectionOptions) {
    this.socket = socket;
    this.opts = opts;
    this.maxMessage = opts.maxMessageBytes ?? 1 << 30;
    if ("setNoDelay" in socket) (socket as Deno.TcpConn).setNoDelay(true);
  }

  /** Reads messages until the peer closes or sends something malformed; then closes. */
  async run(): Promise<void> {
    const timeoutMs = (this.opts.idleTimeout ?? 0) * 1000;
    if (timeoutMs > 0) {
      this.idleTimer = setInterval(() => {
        const silentMs = performance.now() - this.lastReceived;
        if (silentMs > timeoutMs) {
          this.close(new Error(`nothing received for ${Math.round(silentMs / 1000)} s`));
        }
      }, Math.min(timeoutMs / 2, 5000));
    }
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

  /** Closes the socket (idempotent) and reports the reason once. */
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
        if (this.writeQueue.length === 0) { for (const w of this.drainWaiters.splice(0)) w(); }
      }
    } catch (e) {
      this.close(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.writing = null;
    }
  }

  /**
   * The next write: queued chunks merged into one reused buffer while they fit in
   * {@link COALESCE} bytes, or one larger chunk as it is. Each write is a syscall and, with
   * TCP_NODELAY, a segment of its own: a header written apart from its frame costs more
   * than copying a frame of moderate size once.
   */
  private takeBatch(): Uint8Array {
    const first = this.writeQueue[0];
    let n = first.length;
    let k = 1;
    while (k < this.writeQueue.length && n + this.writeQueue[k].length <= COALESCE) {
      n += this.writeQueue[k++].length;
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

  /** The caller's {@link ConnectionOptions.payloadShift}, kept within 0-7. */
  private shiftFor(command: number, littleEndian: boolean, head: Uint8Array): number {
    const shift = this.opts.payloadShift?.({ command, littleEndian, head }) ?? 0;
    return Number.isInteger(shift) && shift > 0 ? shift % 8 : 0;
  }

  /** One payload from its segments, placed as {@link ConnectionOptions.payloadShift} asks. */
  private joinSegments(command: number, littleEndian: boolean, segments: Uint8Array[]): Uint8Array {
    const size = segments.reduce((n, p) => n + p.length, 0);
    const shift = this.shiftFor(command, littleEndian, segments[0]);
    if (shift === 0) return concatBytes(segments);
    const out = new Uint8Array(new ArrayBuffer(size + shift), shift, size);
    let o = 0;
    for (const p of segments) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  private async readLoop(): Promise<void> {
    const buf = new Uint8Array(READ_BUFFER);
    let start = 0;
    let end = 0;
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
        this.lastReceived = performance.now();
      }
      return true;
    };
    let segments: Uint8Array[] | null = null;
    let segmentCommand = -1;
    while (!this.closed) {
      if (!await fill(HEADER_SIZE)) return;
      const h = readHeader(buf, start);
      if (isFromServer(h) !== (this.opts.role === "client")) {
        throw new DecodeError(start, "message direction flag does not match the connection side");
      }
      this.peerVersion = h.version;
      start += HEADER_SIZE;
      if (isControl(h)) {
        this.opts.onControl?.({ command: h.command, value: h.payloadSize, littleEndian: isLittleEndian(h) });
        continue;
      }
      if (h.payloadSize > this.maxMessage) {
        throw new DecodeError(
          start - HEADER_SIZE,
          `message of ${h.payloadSize} bytes exceeds ${this.maxMessage}`,
        );
      }
      let payload: Uint8Array;
      const seg = h.flags & Flag.SEGMENT_MASK;
      if (h.payloadSize >= DIRECT_READ && h.payloadSize > end - start) {
        const have = end - start;
        // A segment is copied again when the segments are joined: only a whole payload is placed.
        const shift = seg === 0 ? this.shiftFor(h.command, isLittleEndian(h), buf.subarray(start, end)) : 0;
        payload = new Uint8Array(new ArrayBuffer(h.payloadSize + shift), shift, h.payloadSize);
        payload.set(buf.subarray(start, end));
        start = end = 0;
        for (let off = have; off < payload.length;) {
          const got = await this.socket.read(payload.subarray(off));
          if (got === null) return;
          off += got;
          this.lastReceived = performance.now();
        }
      } else {
        if (!await fill(h.payloadSize)) return;
        payload = buf.slice(start, start + h.payloadSize);
        start += h.payloadSize;
      }
      if (seg !== 0) {
        if (
          (seg === Flag.SEGMENT_FIRST) !== (segments === null) || (segments && h.command !== segmentCommand)
        ) {
          throw new DecodeError(start, "segment out of sequence");
        }
        segments ??= [];
        segmentCommand = h.command;
        segments.push(payload);
        if (segments.reduce((n, s) => n + s.length, 0) > this.maxMessage) {
          throw new DecodeError(start, `segmented message exceeds ${this.maxMessage} bytes`);
        }
        if (seg !== Flag.SEGMENT_LAST) continue;
        payload = this.joinSegments(h.command, isLittleEndian(h), segments);
        segments = null;
      } else if (segments !== null) {
        throw new DecodeError(start, "unsegmented message inside a segmented one");
      }
      this.opts.onMessage({
        command: h.command,
        version: h.version,
        littleEndian: isLittleEndian(h),
        payload,
      });
    }
  }
}
