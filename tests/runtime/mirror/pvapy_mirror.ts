/**
 * PvaPy's `pvapy-mirror-server` as a peer of the mirror tests, and its final statistics.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { freePorts, peerPython } from "../../interop/peers.ts";

/**
 * Starts PvaPy's mirror server on a TCP port of its own, searching and answering on `env`'s UDP port;
 * it ends after 60 s unless stopped.
 */
export function pvapyMirror(channelMap: string, env: Record<string, string>) {
  const child = new Deno.Command(`${dirname(peerPython()!)}/pvapy-mirror-server`, {
    args: ["-cm", channelMap, "-rt", "60"],
    env: { ...env, EPICS_PVAS_SERVER_PORT: String(freePorts().tcp) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  return {
    /** Interrupts it (Ctrl-C, which PvaPy answers with its final statistics) and returns its output. */
    async stop(): Promise<string> {
      try {
        child.kill("SIGINT");
      } catch {
        // already exited
      }
      const out = await output;
      const decode = (b: Uint8Array) => new TextDecoder().decode(b);
      return decode(out.stdout) + decode(out.stderr);
    },
  };
}

/** The counters of `channel` in PvaPy's final statistics (`Channel c @ t: {'nReceived': 3, 'nOverruns': 0}`). */
export function finalCounters(text: string, channel: string): { nReceived: number; nOverruns: number } {
  const final = text.slice(text.indexOf("Final Channel Statistics:"));
  const line = final.split("\n").find((l) => l.startsWith(`Channel ${channel} @`));
  assert.ok(line, `no final statistics of ${channel} in:\n${text}`);
  const count = (key: string) => Number(new RegExp(`'${key}': (\\d+)`).exec(line)![1]);
  return { nReceived: count("nReceived"), nOverruns: count("nOverruns") };
}
