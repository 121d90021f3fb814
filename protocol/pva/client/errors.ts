/**
 * What client operations fail with, and how a timeout and an AbortSignal become one signal.
 * @module
 */
import type { Status } from "../../pvdata/status.ts";

/**
 * Base class of the client's own failures.
 * @example
 * ```ts
 * import { PvaError } from "./errors.ts";
 * try {
 *   throw new PvaError("client closed");
 * } catch (e) {
 *   if (e instanceof PvaError) console.log(e.message);
 * }
 * ```
 */
export class PvaError extends Error {
  /**
   * Creates the error.
   * @param message what went wrong
   */
  constructor(message: string) {
    super(message);
    this.name = "PvaError";
  }
}

/** An operation did not finish within its timeout. */
export class PvaTimeoutError extends PvaError {
  /**
   * Creates the error.
   * @param message names the operation, the PV and how far it got
   */
  constructor(message: string) {
    super(message);
    this.name = "PvaTimeoutError";
  }
}

/**
 * The server answered with an error Status; `status.message` is the server's text.
 * @example
 * ```ts ignore
 * try {
 *   await client.put("readonly", 1);
 * } catch (e) {
 *   if (e instanceof PvaRemoteError) console.log(e.status.message);
 * }
 * ```
 */
export class PvaRemoteError extends PvaError {
  /** The Status the server sent. */
  readonly status: Status;

  /**
   * Creates the error.
   * @param what the operation and PV, e.g. "put pv:x"
   * @param status the server's Status
   */
  constructor(what: string, status: Status) {
    super(`${what}: ${status.type}: ${status.message}`);
    this.name = "PvaRemoteError";
    this.status = status;
  }
}

/** The connection carrying an operation was lost before the operation finished. */
export class PvaDisconnectedError extends PvaError {
  /**
   * Creates the error.
   * @param message names the operation and the reason
   */
  constructor(message: string) {
    super(message);
    this.name = "PvaDisconnectedError";
  }
}

/** Timeout and cancellation options every client call accepts. */
export interface CallOptions {
  /** Milliseconds before the call fails with {@link PvaTimeoutError} (default 5000). */
  timeout?: number;
  /** Cancels the call; it then fails with the signal's reason. */
  signal?: AbortSignal;
}

/** Default timeout of one call. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** How far a call got, asked for when its timeout expires. */
export interface CallProgress {
  /** The operation, the PV and its stage, e.g. "get pv:x (channel searching)". */
  what: string;
  /** The last failure on the way (a refused channel, a name server that broke the protocol), if any. */
  cause?: string;
}

/**
 * One AbortSignal for a call: aborted by the caller's signal (with its reason) or, after
 * `timeout` ms, with a timeout error built from what `progress()` says at that moment: the
 * cause leads when there is one, so that a user reads why, not only "timed out". `dispose`
 * stops the timer and unhooks the caller's signal. `timeoutError` builds the error of another
 * protocol's client (the CA client's own timeout class); a {@link PvaTimeoutError} by default.
 */
export function callSignal(
  opts: CallOptions,
  progress: () => CallProgress,
  timeoutError: (message: string) => Error = (m) => new PvaTimeoutError(m),
): { signal: AbortSignal; dispose: () => void } {
  const ctl = new AbortController();
  const timeout = opts.timeout ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => {
    const { what, cause } = progress();
    const text = cause
      ? `${what}: ${cause} (gave up after ${timeout} ms)`
      : `${what}: timed out after ${timeout} ms`;
    ctl.abort(timeoutError(text));
  }, timeout);
  const onAbort = () => ctl.abort(opts.signal!.reason);
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: ctl.signal,
    dispose: () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** Resolves like `p`, or rejects with the signal's reason once it aborts. */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
