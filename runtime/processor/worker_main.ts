/**
 * The Worker side of worker isolation: messages arrive by postMessage and results go back the
 * same way, the frames' buffers moved, not copied.
 *
 * @module
 */
import { type HostRequest, transferList } from "./messages.ts";
import { type RunnerOptions, startRunner } from "./runner.ts";

/** Serves the processor of `module` to the host that started this Worker. */
export function serveWorker(module: Record<string, unknown>, opts: RunnerOptions = {}): void {
  const scope = self as unknown as Worker;
  const handle = startRunner(module, opts, (reply) => scope.postMessage(reply, transferList(reply)));
  if (handle) scope.onmessage = (e: MessageEvent<HostRequest>) => handle(e.data);
}
