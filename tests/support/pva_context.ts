/**
 * What a per-command decoder of the capture walker works with: a reader over one message
 * payload, the connection's operation state, and a record of every type and value decoded
 * so that they can be re-encoded and compared with the received bytes.
 *
 * @module
 */
import { type Header, isFromServer, isLittleEndian } from "../../protocol/pva/header.ts";
import { BitSet } from "../../protocol/pvdata/bitset.ts";
import { readPartial, writePartial } from "../../protocol/pvdata/partial.ts";
import { Reader } from "../../protocol/pvdata/reader.ts";
import { isSuccess, readStatus, type Status } from "../../protocol/pvdata/status.ts";
import { readNonNullType, readType, writeType } from "../../protocol/pvdata/typedesc.ts";
import type { FieldDesc, Value } from "../../protocol/pvdata/types.ts";
import { defaultValue, readValue, writeValue } from "../../protocol/pvdata/value.ts";
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
}

/**
 * One message being decoded. Decoders read through {@link r} and the helpers below, which
 * record each FieldDesc and value for the re-encode check.
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

  /** Reads a Status; true when it allows the rest of the reply to follow. */
  ok(): boolean {
    return isSuccess(this.status());
  }

  /** Reads a Status. */
  status(): Status {
    return readStatus(this.r);
  }

  /** Reads a FieldDesc (null for the null type). */
  type(): FieldDesc | null {
    return this.recorded("type", () => readType(this.r), (w, t) => writeType(w, t));
  }

  /** Reads a FieldDesc that must not be null. */
  nonNullType(what: string): FieldDesc {
    return this.recorded("type", () => readNonNullType(this.r, what), (w, t) => writeType(w, t));
  }

  /** Reads a full value of `t`. */
  value(t: FieldDesc): Value {
    return this.recorded("value", () => readValue(this.r, t), (w, v) => writeValue(w, t, v));
  }

  /** Reads a FieldDesc and, unless it is the null type, a full value of it. */
  typedValue(): { type: FieldDesc | null; value: Value } {
    const type = this.type();
    return { type, value: type === null ? null : this.value(type) };
  }

  /** Reads a BitSet and the partial value of `t` it marks. */
  partial(t: FieldDesc): { bits: BitSet; value: Value } {
    return this.recorded("partial value", () => {
      const bits = BitSet.read(this.r);
      return { bits, value: readPartial(this.r, t, bits, defaultValue(t)) };
    }, (w, { bits, value }) => {
      bits.write(w);
      writePartial(w, t, value, bits);
    });
  }

  /** Reads a BitSet on its own (the monitor overrun set). */
  bitSet(): BitSet {
    return this.recorded("bitset", () => BitSet.read(this.r), (w, b) => b.write(w));
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
   * Re-encodes every recorded FieldDesc and value in the message byte order and returns a
   * description of each one that differs from the received bytes. Returns undefined when
   * the message used the type cache, whose references cannot be reproduced.
   */
  reencode(): { checked: number; mismatches: string[] } | undefined {
    if (this.cache.used) return undefined;
    const mismatches: string[] = [];
    for (const s of this.spans) {
      const w = new Writer(this.r.littleEndian);
      s.encode(w);
      const got = w.toBytes();
      const want = this.r.bytes.subarray(s.start, s.end);
      if (got.length !== want.length || got.some((b, i) => b !== want[i])) {
        mismatches.push(`${s.what} at ${s.start}: received ${hex(want)}, re-encoded ${hex(got)}`);
      }
    }
    return { checked: this.spans.length, mismatches };
  }

  /** Runs `read` and records its span with the matching encoder. */
  private recorded<T>(what: string, read: () => T, write: (w: Writer, v: T) => void): T {
    const start = this.r.offset;
    const v = read();
    this.spans.push({ what, start, end: this.r.offset, encode: (w) => write(w, v) });
    return v;
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}
