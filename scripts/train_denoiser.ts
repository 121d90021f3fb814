/**
 * Trains the denoiser of processors/gpu_denoise.ts and writes processors/models/denoiser.json.
 * Deterministic (seeded data and initialisation, plain loops): the same weights on every run.
 *
 * Data: 24 × 24 patches of synthetic detector frames: a background of 0.1, 1 to 4 Gaussian spots
 * (sigma 0.8 to 2.5 pixels, amplitude 0.2 to 1), plus Gaussian noise of sigma 0.05 to 0.15. Loss:
 * mean squared error between the denoised and the clean patch. Adam, learning rate 3e-3.
 *
 *   deno run --allow-write=processors/models scripts/train_denoiser.ts [steps]
 *
 * @module
 */
import {
  type ConvLayer,
  convolve,
  DENOISER_CHANNELS,
  type DenoiserModel,
} from "../processors/gpu/denoiser_model.ts";

const SIZE = 24;
const BATCH = 8;
const steps = Number(Deno.args[0] ?? 600);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = rng(12);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

function patch(): { clean: Float64Array; noisy: Float64Array } {
  const clean = new Float64Array(SIZE * SIZE).fill(0.1);
  const spots = 1 + Math.floor(random() * 4);
  for (let s = 0; s < spots; s++) {
    const [cx, cy] = [random() * SIZE, random() * SIZE];
    const sigma = 0.8 + random() * 1.7;
    const amp = 0.2 + random() * 0.8;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        clean[y * SIZE + x] += amp * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
      }
    }
  }
  const sigma = 0.05 + random() * 0.1;
  return { clean, noisy: clean.map((v) => v + sigma * gauss()) };
}

function initLayer(inputs: number, outputs: number): ConvLayer {
  const scale = Math.sqrt(2 / (inputs * 9));
  return {
    inputs,
    outputs,
    weights: Array.from({ length: inputs * outputs * 9 }, () => gauss() * scale * 0.5),
    bias: new Array(outputs).fill(0),
  };
}

/** Gradients of one layer given the gradient at its output (before ReLU is handled by the caller). */
function backward(
  layer: ConvLayer,
  input: Float64Array,
  gradOut: Float64Array,
  gw: Float64Array,
  gb: Float64Array,
) {
  const n = SIZE * SIZE;
  const gradIn = new Float64Array(layer.inputs * n);
  for (let o = 0; o < layer.outputs; o++) {
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const g = gradOut[o * n + y * SIZE + x];
        if (g === 0) continue;
        gb[o] += g;
        for (let i = 0; i < layer.inputs; i++) {
          for (let ky = 0; ky < 3; ky++) {
            const yy = y + ky - 1;
            if (yy < 0 || yy >= SIZE) continue;
            for (let kx = 0; kx < 3; kx++) {
              const xx = x + kx - 1;
              if (xx < 0 || xx >= SIZE) continue;
              const w = ((o * layer.inputs + i) * 3 + ky) * 3 + kx;
              gw[w] += g * input[i * n + yy * SIZE + xx];
              gradIn[i * n + yy * SIZE + xx] += g * layer.weights[w];
            }
          }
        }
      }
    }
  }
  return gradIn;
}

const layers = [0, 1, 2].map((k) => initLayer(DENOISER_CHANNELS[k], DENOISER_CHANNELS[k + 1]));
const params = layers.flatMap((l) => [l.weights, l.bias]);
const m = params.map((p) => new Float64Array(p.length));
const v = params.map((p) => new Float64Array(p.length));
const [lr, b1, b2] = [3e-3, 0.9, 0.999];
let lossSum = 0;
for (let step = 1; step <= steps; step++) {
  const grads = params.map((p) => new Float64Array(p.length));
  let loss = 0;
  for (let b = 0; b < BATCH; b++) {
    const { clean, noisy } = patch();
    const h1 = convolve(layers[0], noisy, SIZE, SIZE, { relu: true });
    const h2 = convolve(layers[1], h1, SIZE, SIZE, { relu: true });
    const noise = convolve(layers[2], h2, SIZE, SIZE, { relu: false });
    // out = noisy - noise; loss = mean (out - clean)^2; d loss / d noise = -2 (out - clean) / n
    const gNoise = noise.map((r, i) => {
      const e = noisy[i] - r - clean[i];
      loss += e * e / noise.length;
      return -2 * e / noise.length / BATCH;
    });
    const g2 = backward(layers[2], h2, gNoise, grads[4], grads[5]).map((g, i) => h2[i] > 0 ? g : 0);
    const g1 = backward(layers[1], h1, g2, grads[2], grads[3]).map((g, i) => h1[i] > 0 ? g : 0);
    backward(layers[0], noisy, g1, grads[0], grads[1]);
  }
  params.forEach((p, k) => {
    for (let j = 0; j < p.length; j++) {
      m[k][j] = b1 * m[k][j] + (1 - b1) * grads[k][j];
      v[k][j] = b2 * v[k][j] + (1 - b2) * grads[k][j] ** 2;
      p[j] -= lr * (m[k][j] / (1 - b1 ** step)) / (Math.sqrt(v[k][j] / (1 - b2 ** step)) + 1e-8);
    }
  });
  lossSum += loss / BATCH;
  if (step % 50 === 0) {
    console.log(`step ${step}: mean squared error ${(lossSum / 50).toExponential(3)}`);
    lossSum = 0;
  }
}

const model: DenoiserModel & Record<string, unknown> = {
  description: "3-layer residual CNN denoiser (1-8-8-1 channels, 3x3, ReLU) for processors/gpu_denoise.ts",
  licence: "Same licence as pvastream; produced by scripts/train_denoiser.ts, no third-party data",
  training: {
    script: "scripts/train_denoiser.ts",
    steps,
    batch: BATCH,
    patch: SIZE,
    optimizer: "Adam 3e-3",
    seed: 12,
  },
  layers: layers.map((l) => ({
    ...l,
    weights: l.weights.map((w) => Number(w.toPrecision(7))),
    bias: l.bias.map((w) => Number(w.toPrecision(7))),
  })),
};
const url = new URL("../processors/models/denoiser.json", import.meta.url);
await Deno.mkdir(new URL(".", url), { recursive: true });
await Deno.writeTextFile(url, JSON.stringify(model) + "\n");
console.log(`wrote ${url.pathname}`);
