/**
 * One posted change of a PV, encoded at most once per (field selection, byte order) and
 * shared by every subscriber that sees it the same way: post once, send to many. At most
 * {@link MAX_CACHED_BODIES} encodings are kept per update.
 * @module
 */
import { BitSet } from "../../pvdata/bitset.ts";
import { compactBits, maskChanged, writeChanged } from "../../pvdata/partial.ts";
import type { StructureDesc, StructValue } from "../../pvdata/types.ts";
import { Writer } from "../../pvdata/writer.ts";

/** A field selection as monitors and gets use it: the mask and a key naming it. */
export interface Selection {
  /** Bits the client may see (requestMask), or null for everything. */
  mask: BitSet | null;
  /** Stable text key of the mask, used to share encodings. */
  key: string;
}

/**
 * Most encodings one update keeps. Every GET with a new field selection would otherwise add
 * one until the next post; beyond this, the oldest is dropped (and encoded again if asked).
 */
export const MAX_CACHED_BODIES = 64;

/** The selection of every field. */
export const SELECT_ALL: Selection = { mask: null, key: "*" };

/** A posted value with what changed, and its cached encodings. */
export class Update {
  /** The PV's type. */
  readonly type: StructureDesc;
  /** Full value after the change. */
  readonly value: StructValue;
  /** Fields that changed (bit 0 for "everything"). */
  readonly changed: BitSet;
  /** Fields whose intermediate values were lost before this update reached us (upstream overrun). */
  readonly overrun: BitSet | null;
  private readonly bodies = new Map<string, Uint8Array[]>();

  /**
   * Wraps a change; nothing is encoded until {@link Update.body} asks.
   * @param type the PV's type
   * @param value the full value
   * @param changed what changed
   * @param overrun what was lost upstream, if anything
   */
  constructor(type: StructureDesc, value: StructValue, changed: BitSet, overrun: BitSet | null = null) {
    this.type = type;
    this.value = value;
    this.changed = changed;
    this.overrun = overrun;
  }

  /**
   * The encoded BitSet + partial value as `selection` sees it, in one byte order: what
   * changed, or with `full` every selected field (GET replies, a monitor's first update).
   * Encoded on first use, then shared; large arrays are referenced, not copied.
   */
  body(selection: Selection, littleEndian: boolean, full = false): Uint8Array[] {
    const key = `${littleEndian ? "L" : "B"}${full ? "F" : "C"}${selection.key}`;
    let chunks = this.bodies.get(key);
    if (chunks === undefined) {
      const w = new Writer(littleEndian);
      writeChanged(w, this.type, this.value, this.bitsFor(selection, full));
      chunks = w.chunks();
      if (this.bodies.size >= MAX_CACHED_BODIES) this.bodies.delete(this.bodies.keys().next().value!);
      this.bodies.set(key, chunks);
    }
    return chunks;
  }

  /** The bits to send: changes (or everything, with `full`) narrowed to the selection. */
  private bitsFor(selection: Selection, full: boolean): BitSet {
    if (full) return selection.mask ? compactBits(this.type, selection.mask) : BitSet.of(0);
    return selection.mask ? maskChanged(this.type, this.changed, selection.mask) : this.changed;
  }
}
