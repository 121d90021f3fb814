/**
 * How the tools stop: SIGINT (Ctrl-C) and SIGTERM, or SIGINT alone where SIGTERM does not
 * exist (Windows).
 *
 * @module
 */

const STOP_SIGNALS: readonly Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];

/**
 * Calls `handler` on every stop signal until the returned function is called.
 * @example
 * ```ts ignore
 * const unlisten = onStopSignals(() => consumer.stop());
 * await consumer.done;
 * unlisten();
 * ```
 */
export function onStopSignals(handler: () => void): () => void {
  for (const s of STOP_SIGNALS) Deno.addSignalListener(s, handler);
  return () => {
    for (const s of STOP_SIGNALS) Deno.removeSignalListener(s, handler);
  };
}
