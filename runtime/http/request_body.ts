/**
 * Reading request bodies within limits: at most `maxBytes` (refused from Content-Length before reading,
 * or as soon as the bytes pass the limit) and within `timeoutMs` (a client trickling bytes cannot hold a
 * handler open). Memory grows with the bytes that arrive, never with a size the client declares.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./errors.ts";

/** Limits of {@link limitRequestBody}. */
export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Milliseconds the whole body may take to arrive. */
  timeoutMs: number;
}

type Outcome = { kind: "body"; bytes: Uint8Array<ArrayBuffer> } | { kind: "tooLarge" } | { kind: "timeout" };

async function readWithin(
  body: ReadableStream<Uint8Array>,
  { maxBytes, timeoutMs }: BodyLimits,
): Promise<Outcome> {
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
  });
  const read = (async (): Promise<Outcome> => {
    let buffer = new Uint8Array(Math.min(maxBytes, 4096));
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { kind: "body", bytes: buffer.subarray(0, size) };
      if (size + value.length > maxBytes) return { kind: "tooLarge" };
      if (size + value.length > buffer.length) {
        const grown = new Uint8Array(Math.min(maxBytes, Math.max(size + value.length, buffer.length * 2)));
        grown.set(buffer.subarray(0, size));
        buffer = grown;
      }
      buffer.set(value, size);
      size += value.length;
    }
  })();
  try {
    const outcome = await Promise.race([read, late]);
    if (outcome.kind !== "body") await reader.cancel().catch(() => {});
    return outcome;
  } catch {
    // The client went away mid-body; answer as for a body that never completed.
    return { kind: "timeout" };
  } finally {
    clearTimeout(timer);
    read.catch(() => {});
  }
}

/**
 * Middleware that reads the body within `limits` and hands it on buffered; 413 or 408 JSON otherwise.
 * @example
 * ```ts ignore
 * app.use("/api/*", limitRequestBody({ maxBytes: 64 * 1024, timeoutMs: 5000 }));
 * ```
 */
export function limitRequestBody(limits: BodyLimits): MiddlewareHandler {
  const tooLarge = `request body larger than ${limits.maxBytes} bytes`;
  return async (c, next) => {
    const body = c.req.raw.body;
    if (body === null) return next();
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (declared > limits.maxBytes) {
      await body.cancel().catch(() => {});
      return errorResponse(c, 413, tooLarge);
    }
    const outcome = await readWithin(body, limits);
    if (outcome.kind === "tooLarge") return errorResponse(c, 413, tooLarge);
    if (outcome.kind === "timeout") {
      c.header("Connection", "close");
      return errorResponse(c, 408, `request body not received within ${limits.timeoutMs} ms`);
    }
    // Copy url, method and headers only: copying the whole Request would read its signal, which Deno.serve
    // warns about (it aborts on every response under the legacy behaviour).
    const { url, method, headers } = c.req.raw;
    c.req.raw = new Request(url, { method, headers, body: outcome.bytes });
    await next();
  };
}
