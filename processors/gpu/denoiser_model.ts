/**
 * The small convolutional denoiser of processors/gpu_denoise.ts: three 3 × 3 convolutions
 * (1 → 8 → 8 → 1 channels, ReLU after the first two, zero padding) predicting the noise, which is
 * subtracted from the input (a residual network). 737 weights, trained by scripts/train_denoiser.ts
 * on synthetic detector frames (Gaussian spots plus Gaussian noise); the weights ship in
 * processors/models/denoiser.json. This module is also the CPU reference the GPU result is checked
 * against.
 *
 * @module
 */

/** One convolution: `weights[o][i][ky][kx]` flattened, then one bias per output channel. */
export interface ConvLayer {
  /** Input channels. */
  inputs: number;
  /** Output channels. */
  outputs: number;
  /** outputs × inputs × 3 × 3 weights. */
  weights: number[];
  /** One per output channel. */
  bias: number[];
}

/** The network, as stored in denoiser.json. */
export interface DenoiserModel {
  /** The three layers, in order. */
  layers: ConvLayer[];
}

/** Channels of the layers: 1 → 8 → 8 → 1. */
export const DENOISER_CHANNELS = [1, 8, 8, 1] as const;

/**
 * One 3 × 3 convolution with zero padding over `frames` images of nx × ny, channel-major.
 * @param relu apply max(0, ·)
 */
export function convolve(
  layer: ConvLayer,
  input: Float64Array,
  nx: number,
  ny: number,
  { relu }: { relu: boolean },
): Float64Array {
  const n = nx * ny;
  const out = new Float64Array(layer.outputs * n);
  for (let o = 0; o < layer.outputs; o++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        let s = layer.bias[o];
        for (let i = 0; i < layer.inputs; i++) {
          for (let ky = 0; ky < 3; ky++) {
            const yy = y + ky - 1;
            if (yy < 0 || yy >= ny) continue;
            for (let kx = 0; kx < 3; kx++) {
              const xx = x + kx - 1;
              if (xx < 0 || xx >= nx) continue;
              s += layer.weights[((o * layer.inputs + i) * 3 + ky) * 3 + kx] * input[i * n + yy * nx + xx];
            }
          }
        }
        out[o * n + y * nx + x] = relu && s < 0 ? 0 : s;
      }
    }
  }
  return out;
}

/**
 * The denoised image (in the input's units), on the CPU in doubles: the reference.
 * @param image nx × ny pixels, x fastest, already normalized (see gpu_denoise.ts)
 */
export function denoise(model: DenoiserModel, image: Float64Array, nx: number, ny: number): Float64Array {
  const [a, b, c] = model.layers;
  const h1 = convolve(a, image, nx, ny, { relu: true });
  const h2 = convolve(b, h1, nx, ny, { relu: true });
  const noise = convolve(c, h2, nx, ny, { relu: false });
  return image.map((v, i) => v - noise[i]);
}

/**
 * Checks a parsed denoiser.json.
 * @throws {TypeError} naming what does not fit the 1 → 8 → 8 → 1 network
 */
export function checkModel(x: unknown): DenoiserModel {
  const layers = (x as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers) || layers.length !== 3) throw new TypeError("denoiser model: expected 3 layers");
  layers.forEach((l: Partial<ConvLayer>, k) => {
    const [inputs, outputs] = [DENOISER_CHANNELS[k], DENOISER_CHANNELS[k + 1]];
    const ok = l.inputs === inputs && l.outputs === outputs && Array.isArray(l.weights) &&
      l.weights.length === inputs * outputs * 9 && Array.isArray(l.bias) && l.bias.length === outputs &&
      [...l.weights, ...l.bias].every((w) => typeof w === "number" && Number.isFinite(w));
    if (!ok) {
      throw new TypeError(`denoiser model: layer ${k} is not ${inputs} → ${outputs} 3 × 3 with biases`);
    }
  });
  return { layers: layers as ConvLayer[] };
}
