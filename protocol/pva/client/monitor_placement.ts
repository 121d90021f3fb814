/**
 * Placing a monitor's large payloads so that its frame array decodes as a view.
 *
 * A numeric array decodes as a view onto the received bytes only when it starts at a
 * multiple of its element size in the buffer (pvdata/value.ts), and nothing in pvAccess
 * aligns it: p4p and pvapy put uint16 and float32 frames at odd offsets, so each one cost a
 * copy (bench/frame_alignment.ts). The array's offset inside an update of one PV rarely
 * changes from update to update, so the subscription learns a byte shift for its payloads
 * (MessageStreamOptions.payloadShift) from the updates it decodes: a frame that had to be
 * copied moves the shift on by one byte, a frame that arrived as a view keeps it. Updates
 * are told apart by their changed BitSet (its bytes come first, and the array's offset
 * depends on it); after at most element size - 1 copies per kind the frames arrive as views.
 * @module
 */
import { BitSet } from "../../pvdata/bitset.ts";
import { bitCount, expandBits } from "../../pvdata/partial.ts";
import type { FieldDesc, StructValue, Value } from "../../pvdata/types.ts";
import { HOST_LITTLE_ENDIAN } from "../../pvdata/value.ts";

/**
 * Arrays smaller than this are left alone: their payload may be copied out of the
 * connection's 64 KiB read buffer, where no shift applies.
 */
const MIN_BYTES = 64 * 1024;

/** The largest numeric array among the fields `changed` marks, if any. */
function largestArray(t: FieldDesc, value: Value, changed: BitSet): ArrayBufferView | undefined {
  const carried = expandBits(t, changed);
  let best: ArrayBufferView | undefined;
  const inLeaf = (x: unknown) => {
    if (ArrayBuffer.isView(x)) {
      if (!best || x.byteLength > best.byteLength) best = x;
    } else if (typeof x === "object" && x !== null) Object.values(x).forEach(inLeaf);
  };
  const walk = (d: FieldDesc, v: Value, bit: number) => {
    if (d.kind !== "structure") {
      if (carried.has(bit)) inLeaf(v);
      return;
    }
    if (!carried.anyInRange(bit, bit + bitCount(d))) return;
    let child = bit + 1;
    for (const m of d.fields) {
      walk(m.type, (v as StructValue)[m.name], child);
      child += bitCount(m.type);
    }
  };
  walk(t, value, 0);
  return best;
}

/** Kinds of update remembered per subscription (a peer could vary its bitsets without end). */
const MAX_KINDS = 16;
/** Where an update's changed BitSet starts in a MONITOR reply: after the ioid and the subcommand. */
const BITSET_AT = 5;

/**
 * The changed BitSet's bytes (its size byte and its bytes) at the start of a MONITOR reply
 * payload, which tell updates laid out alike; undefined when not all there yet.
 */
function kindOf(payload: Uint8Array): string | undefined {
  const size = payload[BITSET_AT];
  // A size of 254 or more takes more bytes; such bitsets are not worth handling.
  if (size === undefined || size >= 254 || payload.length < BITSET_AT + 1 + size) return undefined;
  return String.fromCharCode(...payload.subarray(BITSET_AT, BITSET_AT + 1 + size));
}

/** The byte shifts one subscription learns for its large payloads, per kind of update. */
export class PayloadPlacement {
  readonly #shifts = new Map<string, number>();

  /**
   * Bytes (0-7) to leave in front of a large payload that starts with `head`.
   * @param head the payload's first bytes, as far as they have arrived
   */
  shift(head: Uint8Array): number {
    const kind = kindOf(head);
    return kind === undefined ? 0 : this.#shifts.get(kind) ?? 0;
  }

  /**
   * Learns from one decoded update.
   * @param t the update's type
   * @param update the merged value and the fields the update carried
   * @param payload the message payload it was decoded from
   * @param littleEndian the payload's byte order
   */
  observe(
    t: FieldDesc,
    update: { value: Value; changed: BitSet },
    payload: Uint8Array,
    littleEndian: boolean,
  ): void {
    // Foreign byte order costs a copy (a swap) wherever the array lies.
    if (littleEndian !== HOST_LITTLE_ENDIAN) return;
    const a = largestArray(t, update.value, update.changed);
    if (!a || a.byteLength < MIN_BYTES || a.buffer === payload.buffer) return;
    const kind = kindOf(payload);
    if (kind === undefined || (!this.#shifts.has(kind) && this.#shifts.size >= MAX_KINDS)) return;
    // The payload sat at offset `shift` of its buffer; one byte further may be the one.
    const width = (a as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    this.#shifts.set(kind, (payload.byteOffset + 1) % width);
  }
}
