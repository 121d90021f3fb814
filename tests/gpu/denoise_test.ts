/**
 * The inference example: the GPU denoiser against its CPU reference, the trained weights against
 * noise, and batches of simulator frames through a consumer.
 */
import assert from "node:assert/strict";
import { type Frame, frameFromNTNDArray, ntNDArray, silentLogger } from "../../mod.ts";
import { checkModel, denoise } from "../../processors/gpu/denoiser_model.ts";
import { GpuDenoise } from "../../processors/gpu_denoise.ts";
import weights from "../../processors/models/denoiser.json" with { type: "json" };
import { Consumer } from "../../runtime/consumer/consumer.ts";
import { type ConsumerOptions, parseConsumerArgs } from "../../runtime/consumer/options.ts";
import { parsePermissions } from "../../runtime/processor/mod.ts";
import { Simulator } from "../../runtime/simulator/mod.ts";
import { until } from "../runtime/consumer/harness.ts";
import { withServerAndClient } from "../runtime/support.ts";
import { noGpu } from "./adapter.ts";
import { randomFrame, rng } from "./frames.ts";

const model = checkModel(weights);
/**
 * GPU (f32) against CPU (f64): per pixel, in units of `scale` times the largest normalized input
 * magnitude (at least 1): f32 keeps about 7 digits of the values the sums run over.
 */
const TOLERANCE = 1e-4;

function reference(f: Frame, offset: number, scale: number): Float64Array {
  const [nx, ny] = f.shape;
  const x = Float64Array.from(f.data as ArrayLike<number | bigint>, (v) => (Number(v) - offset) / scale);
  return denoise(model, x, nx, ny).map((v) => v * scale + offset);
}

function assertClose(got: Frame, input: Frame, scale: number, what: string): void {
  const want = reference(input, 0, scale);
  let magnitude = 1;
  for (const v of Array.from(input.data as ArrayLike<number | bigint>, Number)) {
    magnitude = Math.max(magnitude, Math.abs(v / scale));
  }
  assert.equal(got.dtype, "float32", what);
  let worst = 0;
  (got.data as Float32Array).forEach((v, i) => worst = Math.max(worst, Math.abs(v - want[i])));
  const bound = TOLERANCE * Math.abs(scale) * magnitude;
  assert.ok(worst <= bound, `${what}: largest difference ${worst} > ${bound}`);
}

Deno.test({
  name:
    "gpu denoise: matches the CPU reference within 1e-4 x scale x input magnitude on batches of random frames",
  ignore: noGpu,
  fn: async () => {
    const p = new GpuDenoise();
    for (
      const [dtype, scale] of [["uint8", 255], ["uint16", 65535], ["float32", 1], ["float64", 2]] as const
    ) {
      await p.configure({ offset: 0, scale });
      const frames = [
        randomFrame(dtype, 13, 7, 1),
        randomFrame(dtype, 13, 7, 2),
        randomFrame(dtype, 40, 33, 3),
      ];
      const got = await p.processBatch(frames);
      got.forEach((g, k) => {
        assert.deepEqual(g.shape, frames[k].shape);
        assertClose(g, frames[k], scale, `${dtype} frame ${k}`);
      });
    }
    p.stop();
  },
});

Deno.test({
  name:
    "gpu denoise: the shipped weights remove most of the noise from a spot frame they were not trained on",
  ignore: noGpu,
  fn: async () => {
    const r = rng(999);
    const [nx, ny] = [48, 40];
    const clean = new Float32Array(nx * ny).fill(0.1);
    for (const [cx, cy, s, a] of [[10, 12, 1.5, 0.8], [30, 25, 2, 0.5], [40, 8, 1, 0.9]]) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          clean[y * nx + x] += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
        }
      }
    }
    const noisy = clean.map((v) => v + 0.1 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
    const p = new GpuDenoise();
    await p.configure({});
    const [out] = await p.processBatch([
      frameFromNTNDArray(ntNDArray({ data: noisy.slice(), dims: [nx, ny] })),
    ]);
    p.stop();
    const mse = (a: ArrayLike<number>) =>
      Array.from(clean, (c, i) => (a[i] - c) ** 2).reduce((s, e) => s + e) / clean.length;
    const before = mse(noisy);
    const after = mse(out.data as Float32Array);
    assert.ok(
      after < 0.5 * before,
      `mean squared error ${before.toExponential(2)} -> ${after.toExponential(2)}`,
    );
  },
});

Deno.test({
  name:
    "gpu denoise in a consumer: simulator frames in batches of 4, every frame denoised as the CPU reference says",
  ignore: noGpu,
  fn: async () => {
    await withServerAndClient(async (server, client) => {
      const sim = new Simulator({
        server,
        channelName: "sim:image",
        nx: 24,
        ny: 16,
        datatype: "uint8",
        frameRate: 40,
        runtime: 0,
        startDelay: 0,
        shutdownDelay: 0,
        reportPeriod: 0,
      });
      const seen = new Map<number, Frame>();
      const opts = parseConsumerArgs([
        ..."-ic sim:image -oc denoise:out -sc _ -rqs 0 -ao 4 -at 0.5".split(" "),
        ..."--processor-permissions gpu --gpu-adapter fallback".split(" "),
        ..."-pa".split(" "),
        JSON.stringify({ scale: 255 }),
      ]) as ConsumerOptions;
      const c = await Consumer.start(1, opts, {
        server,
        client,
        logger: silentLogger,
        processor: {
          file: new URL("../../processors/gpu_denoise.ts", import.meta.url).href,
          permissions: parsePermissions(["gpu"]),
          gpuAdapter: "fallback",
          startLimitMs: 120_000,
        },
        // The frame's pixels move to the sandbox after this: keep a copy for the reference.
        onFrame: (f) => seen.set(f.uniqueId, { ...f, data: f.data.slice() } as Frame),
      });
      const outputs = new Map<number, Frame>();
      const sub = client.monitor("denoise:out", { queueSize: 64 });
      const reading = (async () => {
        for await (const ev of sub) {
          // The output channel's first value, before any frame, holds no pixels.
          if (ev.kind !== "data" || !(ev.value.value as { value?: unknown }).value) continue;
          const f = frameFromNTNDArray(ev.value);
          outputs.set(f.uniqueId, { ...f, data: f.data.slice() } as Frame);
        }
      })();
      try {
        await sim.start();
        await until("12 frames out", () => outputs.size >= 12, 60_000);
        await c.getStats();
        const s = c.status;
        assert.equal(s.processorStats.nErrors, 0);
        assert.ok(s.gpuAdapter?.description, "the status names the adapter");
        assert.equal(s.gpuAdapter?.isFallbackAdapter, true);
        // The status PV carries the same member (asked before the simulator stops: the consumer stops with it).
        const pv = (await client.get(c.channels.status!)).value as {
          gpuAdapter: { description: string; isFallbackAdapter: boolean };
        };
        assert.deepEqual(
          [pv.gpuAdapter.description, pv.gpuAdapter.isFallbackAdapter],
          [s.gpuAdapter?.description, true],
        );
        await sim.stop();
        for (const [id, out] of [...outputs].slice(0, 12)) {
          const input = seen.get(id);
          assert.ok(input, `frame ${id} went in`);
          assertClose(out, input, 255, `frame ${id}`);
        }
      } finally {
        sub.close();
        c.stop();
        await c.done;
        await reading.catch(() => {});
      }
    });
  },
});
