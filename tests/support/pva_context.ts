/**
 * What a per-command decoder of the capture walker works with: a reader over one message
 * payload, the connection's operation state, and a record of every message part, type and
 * value decoded so that they can be re-encoded and compared with the received bytes.
 *
 * @module
 */
import { type Header, isFromServer, isLittleEndian } from "../../protocol/pva/header.ts";
import { BitSet } from "../../protocol/pvdata/bitset.ts";
import { type Changed, readChanged, writeChanged } from "../../protocol/pvdata/partial.ts";
import { Reader } from "../../protocol/pvdata/reader.ts";
import { readNonNullType, writeType } from "../../protocol/pvdata/typedesc.ts";
import type { FieldDesc, Value } from "../../protocol/pvdata/types.ts";
import { defaultValue, readTypedValue, readValue, writeValue } from "../../protocol/pvdata/value.ts";
import { Writer } from "../../protocol/pvdata/writer.ts";

/** A type cache that remembers whether a message defined or used an entry. */
export class TracingCache extends Map<number, FieldDesc> {
  /** True once an entry was read or written since the last {@link reset}. */
  used = false;

  /** Looks up a key and marks the cache as used. */
  override get(key: number): FieldDesc | undefined {
    this.used = true;
    return super.get(key);
  }

  /** Stores a key and marks the cache as used. */
  override set(key: number, t: FieldDesc): this {
    this.used = true;
    return super.set(key, t);
  }

  /** Clears the used mark (not the entries). */
  reset(): void {
    this.used = false;
  }
}

/** The state of one operation (ioid) on a connection. */
export interface Operation {
  /** The command that created the operation. */
  command: number;
  /** The type from the INIT reply (the put type for PUT_GET). */
  type?: FieldDesc;
  /** The get type of a PUT_GET. */
  getType?: FieldDesc;
}

/** A decoded span of the payload and how to encode it again. */
interface Span {
  what: string;
  start: number;
  end: number;
  encode: (w: Writer) => void;
  /** The received bytes in the one spelling the reader cannot tell from others (if needed). */
  canonical?: (received: Uint8Array) => Uint8Array;
}

/**
 * One message being decoded. Decoders read through {@link record} (with message-layer
 * readers) and the helpers below, which remember each part for the re-encode check.
 */
export class MessageContext {
  /** Reader over the payload, with the sender's type cache. */
  readonly r: Reader;
  /** True when the server sent the message. */
  readonly fromServer: boolean;
  private readonly spans: Span[] = [];

  /**
   * Starts decoding one message.
   * @param header the message header (byte order and direction)
   * @param payload the message payload
   * @param cache the receive-side type cache of the sender's direction (its use mark is reset)
   * @param ops the connection's operations by ioid
   */
  constructor(
    readonly header: Header,
    payload: Uint8Array,
    readonly cache: TracingCache,
    readonly ops: Map<number, Operation>,
  ) {
    cache.reset();
    this.r = new Reader(payload, isLittleEndian(header), { typeCache: cache });
    this.fromServer = isFromServer(header);
  }

  /** Reads a FieldDesc that must not be null. */
  nonNullType(what: string): FieldDesc {
    return this.record("type", (r) => readNonNullType(r, what), writeType);
  }

  /** Reads a full value of `t`. */
  value(t: FieldDesc): Value {
    return this.record("value", (r) => readValue(r, t), (w, v) => writeValue(w, t, v));
  }

  /** Reads a non-null FieldDesc and a full value of it (pvRequests, RPC arguments and results). */
  typedValue(what: string): { type: FieldDesc; value: Value } {
    return this.record(what, (r) => readTypedValue(r, what), (w, { type, value }) => {
      writeType(w, type);
      writeValue(w, type, value);
    });
  }

  /** Reads a BitSet and the partial value of `t` it marks. */
  partial(t: FieldDesc): Changed {
    return this.record(
      "partial value",
      (r) => readChanged(r, t, defaultValue(t)),
      (w, { changed, value }) => writeChanged(w, t, value, changed),
    );
  }

  /** Reads a BitSet on its own (the monitor overrun set). */
  bitSet(): BitSet {
    return this.record("bitset", BitSet.read, (w, b) => b.write(w));
  }

  /**
   * Reads a part of the payload (or all of it) with `read` and records it so that
   * {@link reencode} writes it again with `write`: a message-layer reader and writer pair.
   * `canonical` maps the received bytes to the spelling `write` produces where the wire
   * allows several for one value.
   */
  record<T>(
    what: string,
    read: (r: Reader) => T,
    write: (w: Writer, v: T) => void,
    canonical?: (received: Uint8Array) => Uint8Array,
  ): T {
    const start = this.r.offset;
    const v = read(this.r);
    this.spans.push({ what, start, end: this.r.offset, encode: (w) => write(w, v), canonical });
    return v;
  }

  /** The operation of `ioid`; fails when no INIT for it was seen or it belongs to another command. */
  operation(ioid: number): Operation {
    const op = this.ops.get(ioid);
    if (op === undefined) return this.r.fail(`ioid ${ioid} was never initialised`);
    if (op.command !== this.header.command) {
      return this.r.fail(`ioid ${ioid} belongs to command 0x${op.command.toString(16)}`);
    }
    return op;
  }

  /**
   * Re-encodes every recorded part in the message byte order and returns a description of
   * each one that differs from the received bytes (or cannot be written at all). Returns
   * undefined when the message used the type cache, whose references cannot be reproduced.
   */
  reencode(): { checked: number; mismatches: string[] } | undefined {
    if (this.cache.used) return undefined;
    const mismatches: string[] = [];
    for (const s of this.spans) {
      const w = new Writer(this.r.littleEndian);
      try {
        s.encode(w);
      } catch (e) {
        // A writer refusing what its reader accepted (say, an IPv6 address) is a finding, not a crash.
        mismatches.push(`${s.what} at ${s.start}: cannot re-encode: ${(e as Error).message}`);
        continue;
      }
      const got = w.toBytes();
      const received = this.r.bytes.subarray(s.start, s.end);
      const want = s.canonical?.(received) ?? received;
      if (got.length !== want.length || got.some((b, i) => b !== want[i])) {
        mismatches.push(`${s.what} at ${s.start}: received ${hex(received)}, re-encoded ${hex(got)}`);
      }
    }
    return { checked: this.spans.length, mismatches };
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}
