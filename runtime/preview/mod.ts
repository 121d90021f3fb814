/**
 * Frame previews for the dashboard: {@link sampleFrame} point-samples a frame down to at most 256 pixels on
 * its long side, {@link renderPreview} colours it (auto-scaled; mono through viridis, RGB as colour),
 * {@link encodePng} makes a PNG of it, {@link FramePreview} does all that for a source's latest frame at
 * most a few times a second and caches the result, and {@link FrameSampler} keeps a sampled copy of frames
 * whose buffers move on (a consumer's).
 *
 * @example A 16-bit frame to a PNG for the dashboard
 * ```ts
 * import { encodePng, renderPreview } from "./mod.ts";
 * const frame = { data: Uint16Array.from({ length: 640 * 480 }, (_, i) => i % 4096), shape: [640, 480] };
 * const image = renderPreview(frame); // at most 256 pixels on the long side, auto-scaled
 * const png = await encodePng(image);
 * [image.width, image.height, png.length > 0]; // [256, 192, true]
 * ```
 *
 * @module
 */
export { type FrameLike, PreviewError, type SampledFrom, sampleFrame, type SampleOptions } from "./sample.ts";
export { type PreviewImage, type RenderOptions, renderPreview } from "./render.ts";
export { crc32, encodePng, type RgbaImage } from "./png.ts";
export {
  FramePreview,
  type FramePreviewOptions,
  type PreviewPng,
  type PreviewResult,
  type PreviewSource,
} from "./frame_preview.ts";
export { FrameSampler, type FrameSamplerOptions } from "./frame_sampler.ts";
export { VIRIDIS } from "./colormap.ts";
