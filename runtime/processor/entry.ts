/**
 * The first module a sandbox runs, generated as a `data:` URL: it removes WebGPU unless granted,
 * takes signals away from a Worker, redirects the console to the host, then imports the processor statically (a static import needs no read permission, a computed
 * one would) and hands it to the serving side. Module evaluation follows import order, so the
 * processor and everything it imports load after WebGPU is gone.
 *
 * @module
 */

import type { GpuAdapterPreference } from "./gpu/adapter.ts";

/** Which side serves the processor: a Worker or a child process. */
export type SandboxSide = "worker" | "process";

/** What the entry module loads. */
export interface EntrySpec {
  /** URL of the processor module. */
  processorUrl: string;
  /** The export to use; see `loadProcessor`. */
  className?: string;
  /** Keep `navigator.gpu`. */
  gpu: boolean;
  /** The adapter `navigator.gpu.requestAdapter` prefers (granted WebGPU only). */
  gpuAdapter?: GpuAdapterPreference;
}

const SERVE = {
  worker: { url: new URL("./worker_main.ts", import.meta.url).href, name: "serveWorker" },
  process: { url: new URL("./process_main.ts", import.meta.url).href, name: "serveProcess" },
} as const;

const NO_GPU = "data:text/javascript,delete Object.getPrototypeOf(navigator).gpu;";

/**
 * Deno lets a process signal itself without the run permission, and a Worker is the host's process: a
 * processor could SIGKILL its consumer. Sending signals is never granted, so `Deno.kill` is replaced for good.
 */
const NO_SIGNALS = "data:text/javascript,Object.defineProperty(Deno, 'kill', { value() { throw new " +
  "Deno.errors.NotCapable('Requires run access: a processor may not send signals') }, writable: false, " +
  "configurable: false });";

/** Where the processor's console output goes: log messages from a Worker, standard error from a
 * child process (whose standard output carries the replies); the host logs both. */
const CONSOLE = {
  worker: new URL("./worker_console.ts", import.meta.url).href,
  process: "data:text/javascript,console.log = console.info = console.debug = console.error;",
} as const;

/** The entry module of a sandbox, as a `data:` URL. */
export function entryUrl(spec: EntrySpec, side: SandboxSide): string {
  const serve = SERVE[side];
  const lines = [
    spec.gpu ? "" : `import ${JSON.stringify(NO_GPU)};`,
    side === "worker" ? `import ${JSON.stringify(NO_SIGNALS)};` : "",
    `import ${JSON.stringify(CONSOLE[side])};`,
    `import * as processorModule from ${JSON.stringify(spec.processorUrl)};`,
    `import { ${serve.name} } from ${JSON.stringify(serve.url)};`,
    `${serve.name}(processorModule, ${
      JSON.stringify({ className: spec.className, gpuAdapter: spec.gpuAdapter })
    });`,
  ];
  return `data:text/javascript;base64,${btoa(lines.join("\n"))}`;
}
