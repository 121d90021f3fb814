/**
 * The one error type every pvData and pvAccess decoder throws on bad input.
 *
 * Untrusted bytes must never surface as a RangeError or TypeError from deep inside the
 * codec: callers catch `DecodeError`, close the one connection that sent it, and go on.
 *
 * @example
 * ```ts
 * import { DecodeError } from "./errors.ts";
 * try {
 *   throw new DecodeError(12, "size 4294967295 exceeds the array limit");
 * } catch (e) {
 *   if (e instanceof DecodeError) console.log(e.offset, e.reason);
 * }
 * ```
 */
export class DecodeError extends Error {
  /** Byte offset in the decoded buffer where the problem was found. */
  readonly offset: number;
  /** What was wrong, without the offset. */
  readonly reason: string;

  /**
   * Creates the error; the message combines both parts.
   * @param offset byte offset where decoding failed
   * @param reason human-readable cause
   */
  constructor(offset: number, reason: string) {
    super(`decode error at offset ${offset}: ${reason}`);
    this.name = "DecodeError";
    this.offset = offset;
    this.reason = reason;
  }
}

/** Thrown when a value does not fit the type it is being encoded as. */
export class EncodeError extends Error {
  /**
   * Creates the error with `reason` as its message.
   * @param reason what does not fit, naming the field where known
   */
  constructor(reason: string) {
    super(reason);
    this.name = "EncodeError";
  }
}

/**
 * Thrown when loose input (JSON, YAML, command-line text, a caller's put) does not fit the
 * type it is meant for; `path` names the member so the message can point at it.
 *
 * @example
 * ```ts
 * import { CoerceError } from "./errors.ts";
 * const e = new CoerceError("alarm.severity", "1.5 is not a int32 value");
 * e.message; // "alarm.severity: 1.5 is not a int32 value"
 * ```
 */
export class CoerceError extends EncodeError {
  /** The dotted member path ("" for the whole value). */
  readonly path: string;
  /** What is wrong, without the path. */
  readonly reason: string;

  /**
   * Creates the error; the message is `path: reason` (just `reason` for the whole value).
   * @param path the dotted member path
   * @param reason what does not fit
   */
  constructor(path: string, reason: string) {
    super(path ? `${path}: ${reason}` : reason);
    this.name = "CoerceError";
    this.path = path;
    this.reason = reason;
  }
}
