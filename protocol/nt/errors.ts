/**
 * The error the normative-type readers and builders throw.
 *
 * @module
 */

/**
 * A value that is not the normative type it was read as (or builder input that cannot make
 * one). It names the type and the field so a consumer can log one precise line.
 *
 * @example
 * ```ts
 * import { NTError } from "./errors.ts";
 * const e = new NTError("NTNDArray", "value", "no union member selected");
 * e.message; // "NTNDArray value: no union member selected"
 * ```
 */
export class NTError extends Error {
  /** The normative type name, such as "NTNDArray". */
  readonly ntType: string;
  /** The field at fault ("" for the whole structure). */
  readonly field: string;
  /** What is wrong, without the type and field. */
  readonly reason: string;

  /**
   * Names what is wrong and where.
   * @param ntType normative type name
   * @param field field path at fault, "" for the top level
   * @param reason human-readable cause
   */
  constructor(ntType: string, field: string, reason: string) {
    super(field ? `${ntType} ${field}: ${reason}` : `${ntType}: ${reason}`);
    this.name = "NTError";
    this.ntType = ntType;
    this.field = field;
    this.reason = reason;
  }
}
