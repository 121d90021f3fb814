/**
 * Worker isolation: the processor runs in a Deno Worker holding exactly the granted
 * permissions; frames and outputs cross by transferring their buffers.
 *
 * @module
 */
import { entryUrl } from "./entry.ts";
import type { LinkEvents, LinkSpec, SandboxLink } from "./link.ts";
import { isSandboxReply, transferList } from "./messages.ts";
import { workerPermissions } from "./permissions.ts";

/** Starts a processor in a Worker. */
export function openWorkerLink(spec: LinkSpec, events: LinkEvents): SandboxLink {
  const worker = new Worker(entryUrl(spec, "worker"), {
    type: "module",
    name: `processor ${spec.processorUrl}`,
    deno: { permissions: workerPermissions(spec.permissions) },
  });
  let open = true;
  const end = (reason: string) => {
    if (!open) return;
    open = false;
    worker.terminate();
    events.exit(reason);
  };
  worker.onmessage = (e) =>
    isSandboxReply(e.data) ? events.reply(e.data) : end("it sent a malformed message");
  worker.onerror = (e) => {
    // Left alone, an uncaught error in a Worker is rethrown in the host and ends it.
    e.preventDefault();
    end(`uncaught ${e.message}`);
  };
  worker.onmessageerror = () => end("a message could not be read");
  return {
    send: (req) => worker.postMessage(req, transferList(req)),
    close: () => {
      open = false;
      worker.terminate();
      return Promise.resolve();
    },
  };
}
