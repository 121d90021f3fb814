/**
 * The child-process side of process isolation: host requests arrive on standard input and
 * replies leave on standard output, in the framing of `wire.ts`. Console output goes to standard
 * error (the entry module redirects it before the processor loads), which the host logs.
 *
 * @module
 */
import type { HostRequest } from "./messages.ts";
import { type RunnerOptions, startRunner } from "./runner.ts";
import { encodeMessage, MessageReader, type WireMessage } from "./wire.ts";

/** Largest request accepted from the host (a frame plus its description). */
const MAX_REQUEST = 2 ** 32 - 1;

async function writeAll(chunks: Uint8Array[]): Promise<void> {
  for (const c of chunks) {
    for (let o = 0; o < c.length;) o += await Deno.stdout.write(c.subarray(o));
  }
}

/** Serves the processor of `module` to the host on standard input and output. */
export async function serveProcess(module: Record<string, unknown>, opts: RunnerOptions = {}): Promise<void> {
  // Replies are written one after the other; a reply's bytes must not interleave with the next.
  let writing = Promise.resolve();
  const send = (m: WireMessage) => {
    const chunks = encodeMessage(m);
    writing = writing.then(() => writeAll(chunks));
  };
  const handle = startRunner(module, opts, send);
  if (!handle) return await writing;
  // The host is trusted with its declared sizes: each request is read straight into its own buffer.
  const reader = new MessageReader(async (view) => {
    const bytes = await Deno.stdin.read(view);
    return bytes === null ? null : { bytes, buffer: view.buffer as ArrayBuffer };
  }, MAX_REQUEST);
  for (let m = await reader.next(MAX_REQUEST); m !== null; m = await reader.next(MAX_REQUEST)) {
    handle(m as HostRequest);
  }
  await writing;
}
