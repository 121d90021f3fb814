/**
 * Frames and hosts for the processor tests.
 *
 * @module
 */
import {
  type Frame,
  frameFromNTNDArray,
  ntAttribute,
  ntNDArray,
  type NumericArray,
  ProcessorHost,
  type ProcessorHostOptions,
  scalar,
} from "../../../mod.ts";

/** A fixture module's path. */
export function fixture(name: string): string {
  return new URL(`./fixtures/${name}`, import.meta.url).pathname;
}

/** A frame of `data` (default 16 bytes, 4 x 4) with string attributes. */
export function testFrame(
  attributes: Record<string, string> = {},
  data: NumericArray = new Uint8Array(16).map((_, i) => i),
  uniqueId = 1,
): Frame {
  return frameFromNTNDArray(ntNDArray({
    data,
    dims: [4, data.length / 4],
    uniqueId,
    attributes: Object.entries(attributes).map(([k, v]) =>
      ntAttribute(k, { type: scalar("string"), value: v })
    ),
  }));
}

/**
 * Starts a host, runs `body` and stops the host whatever happens. Under `deno test` a worker type-checks
 * its module graph on first load, which takes more than the default 30 s on a loaded machine: unless the
 * test sets one, the start limit is 120 s.
 */
export async function withHost(
  opts: ProcessorHostOptions,
  body: (host: ProcessorHost) => Promise<void>,
): Promise<void> {
  const host = new ProcessorHost({ startLimitMs: 120_000, ...opts });
  await host.start();
  try {
    await body(host);
  } finally {
    await host.stop().catch(() => {});
  }
}
