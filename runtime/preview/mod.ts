/**
 * Frame previews for the dashboard: {@link renderPreview} downsamples and auto-scales a frame (mono through
 * viridis, RGB as colour), {@link encodePng} makes a PNG of it, {@link FramePreview} does both for a source's
 * latest frame at most a few times a second and caches the result.
 *
 * @module
 */
export {
  type FrameLike,
  PreviewError,
  type PreviewImage,
  type RenderOptions,
  renderPreview,
} from "./render.ts";
export { crc32, encodePng, type RgbaImage } from "./png.ts";
export {
  FramePreview,
  type FramePreviewOptions,
  type PreviewCost,
  type PreviewPng,
  type PreviewResult,
  type PreviewSource,
} from "./frame_preview.ts";
export { VIRIDIS } from "./colormap.ts";
