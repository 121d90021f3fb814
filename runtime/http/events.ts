/**
 * GET /api/events: the status as Server-Sent Events. A client first gets the current status, then each
 * new one. A slow client is sent the newest status when it catches up: statuses supersede each other,
 * so nothing queues up for it.
 *
 * @module
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { StatusDocument } from "../status/status_document.ts";
import type { StatusProvider } from "../status/status_feed.ts";

/**
 * Answers with an event stream of `status`'s documents until the client leaves or `signal` aborts (the
 * server is closing).
 */
export function statusEvents(c: Context, status: StatusProvider, signal: AbortSignal): Response {
  return streamSSE(c, async (stream) => {
    let pending: StatusDocument | null = status.current();
    let wake: (() => void) | null = null;
    const rouse = () => {
      wake?.();
      wake = null;
    };
    const unsubscribe = status.subscribe((s) => {
      pending = s;
      rouse();
    });
    stream.onAbort(rouse);
    signal.addEventListener("abort", rouse);
    try {
      while (!stream.aborted && !signal.aborted) {
        if (pending === null) {
          await new Promise<void>((resolve) => wake = resolve);
          continue;
        }
        const next: StatusDocument = pending;
        pending = null;
        await stream.writeSSE({ event: "status", id: String(next.objectId), data: JSON.stringify(next) });
      }
    } finally {
      unsubscribe();
      signal.removeEventListener("abort", rouse);
    }
  });
}
