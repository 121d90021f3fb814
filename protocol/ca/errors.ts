/**
 * What Channel Access client calls fail with.
 * @module
 */

/**
 * Base class of the CA client's own failures.
 * @example
 * ```ts
 * import { CaError } from "./errors.ts";
 * const e = new CaError("client closed");
 * e instanceof Error; // true
 * ```
 */
export class CaError extends Error {
  /**
   * Creates the error.
   * @param message what went wrong
   */
  constructor(message: string) {
    super(message);
    this.name = "CaError";
  }
}

/** A call did not finish within its timeout. */
export class CaTimeoutError extends CaError {
  /**
   * Creates the error.
   * @param message names the call, the channel and how far it got
   */
  constructor(message: string) {
    super(message);
    this.name = "CaTimeoutError";
  }
}

/** The server refused a request: `status` is its ECA code (ECA_NORMAL is 1). */
export class CaRemoteError extends CaError {
  /** The server's ECA status code. */
  readonly status: number;

  /**
   * Creates the error.
   * @param what the call and channel, e.g. "get motor:x"
   * @param status the ECA status code
   * @param detail the server's text, when it sent one
   */
  constructor(what: string, status: number, detail = "") {
    super(`${what}: server status ${status}${detail ? `: ${detail}` : ""}`);
    this.name = "CaRemoteError";
    this.status = status;
  }
}

/** The circuit carrying a call went away before the call finished. */
export class CaDisconnectedError extends CaError {
  /**
   * Creates the error.
   * @param message names the call and the reason
   */
  constructor(message: string) {
    super(message);
    this.name = "CaDisconnectedError";
  }
}
