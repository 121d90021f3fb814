/**
 * The preview as the dashboard serves it: a PNG of the latest frame, rendered at most `maxPerSecond` times
 * a second however many pages ask and whatever the frame rate, and shared between them until it is due
 * again. Rendering reads only the frame the owner hands out as latest, so the pipeline pays for a preview
 * a few times a second and never per frame; the cost of each render is measured and reported with it.
 *
 * @module
 */
import { type PreviewImage, renderPreview } from "./render.ts";
import { type FrameLike, PreviewError } from "./sample.ts";
import { encodePng } from "./png.ts";

/**
 * Where the preview takes its frames: the owner's latest frame, or undefined before the first. The frame must
 * still be readable when asked for (a simulator's frames are); an owner whose frames move on (a consumer's go
 * to the processor) uses a {@link FrameSampler}.
 */
export interface PreviewSource {
  /**
   * The newest frame; called at most `maxPerSecond` times a second.
   * @throws {PreviewError} to say why there is no usable frame
   */
  latest(): FrameLike | undefined;
}

/** A rendered preview: the PNG and what labels it. */
export interface PreviewPng {
  /** A preview was rendered. */
  kind: "image";
  /** The PNG file. */
  png: Uint8Array<ArrayBuffer>;
  /** Size, scale and type of the image and its frame. */
  image: Omit<PreviewImage, "rgba">;
  /** Milliseconds the render and the PNG encoding took. */
  costMs: number;
}

/** What {@link FramePreview.current} answers. */
export type PreviewResult =
  | PreviewPng
  | { kind: "empty" }
  | { kind: "unusable"; reason: string };

/** Options of {@link FramePreview}. */
export interface FramePreviewOptions {
  /** Where the frames come from. */
  source: PreviewSource;
  /** Renders per second at most (2). */
  maxPerSecond?: number;
  /** Longest side of the preview in pixels (256). */
  maxSize?: number;
  /** Milliseconds on a monotonic clock (performance.now). */
  clock?: () => number;
}

/**
 * A rate-limited, cached preview of a source's latest frame.
 * @example
 * ```ts
 * import { FramePreview } from "./frame_preview.ts";
 * const preview = new FramePreview({ source: { latest: () => ({ data: new Uint8Array(4), shape: [2, 2] }) } });
 * (await preview.current()).kind; // "image"
 * ```
 */
export class FramePreview {
  readonly #source: PreviewSource;
  readonly #intervalMs: number;
  readonly #maxSize: number;
  readonly #clock: () => number;
  #result: Promise<PreviewResult> | undefined;
  #renderedAt = -Infinity;

  /**
   * A preview of `source`'s frames; nothing is rendered before the first {@link FramePreview.current}.
   * @throws {RangeError} when `maxPerSecond` is not positive
   */
  constructor(
    { source, maxPerSecond = 2, maxSize = 256, clock = () => performance.now() }: FramePreviewOptions,
  ) {
    if (!(maxPerSecond > 0)) throw new RangeError(`preview rate must be > 0 per second, not ${maxPerSecond}`);
    this.#source = source;
    this.#intervalMs = 1000 / maxPerSecond;
    this.#maxSize = maxSize;
    this.#clock = clock;
  }

  /** The preview of the latest frame, rendered now if the last one is older than 1 / maxPerSecond. */
  current(): Promise<PreviewResult> {
    const now = this.#clock();
    if (this.#result === undefined || now - this.#renderedAt >= this.#intervalMs) {
      this.#renderedAt = now;
      this.#result = this.#render();
    }
    return this.#result;
  }

  async #render(): Promise<PreviewResult> {
    const started = performance.now();
    let rendered: PreviewImage;
    try {
      const frame = this.#source.latest();
      if (frame === undefined) return { kind: "empty" };
      rendered = renderPreview(frame, { maxSize: this.#maxSize });
    } catch (e) {
      if (e instanceof PreviewError) return { kind: "unusable", reason: e.message };
      throw e;
    }
    const png = await encodePng(rendered);
    const costMs = performance.now() - started;
    const { rgba: _, ...image } = rendered;
    return { kind: "image", png, image, costMs };
  }
}
