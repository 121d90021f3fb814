/**
 * Tiles: splits each frame into tiles of `width` × `height` pixels (the last column and row of
 * tiles take what is left) and publishes each tile as a frame of its own, in row order, so that
 * later stages can work on tiles in parallel; `stitch.ts` puts them together again. RGB frames
 * are tiled colour by colour, keeping their colour mode and layout. Each tile keeps the frame's
 * dtype, time stamps and attributes, and carries where it belongs as int32 attributes:
 *
 * | attribute         | what                                                     |
 * | ----------------- | -------------------------------------------------------- |
 * | `TileIndex`       | position in row order, from 0                            |
 * | `TileCount`       | tiles of the frame                                       |
 * | `TileX`, `TileY`  | the tile's first column and row in the frame             |
 * | `TileFrameId`     | the frame's uniqueId                                     |
 * | `TileFrameWidth`  | the frame's width (pixels per row)                       |
 * | `TileFrameHeight` | the frame's height (rows)                                |
 *
 * Arguments:
 * - `width`, `height` (default 256): the tile size;
 * - `tiles` (default: all): the indices of the tiles to publish, e.g. `[0, 1]`, so that several
 *   consumers each publish their share of every frame;
 * - `ids`: `"frame"` (default) keeps the frame's uniqueId on every tile; `"tile"` numbers tiles
 *   `uniqueId × TileCount + TileIndex`, distinct ids for a collector that orders by id (the frame's
 *   uniqueId must then stay below 2^31 / TileCount).
 *
 * User statistics: `nFrames`, `nTiles` (published), `tileCount` (tiles per frame, of the latest frame that published any).
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
  choiceArg,
  contiguousLayout,
  copyPixels,
  type Frame,
  type ImageLayout,
  imageLayout,
  integerArg,
  newPixels,
  type Processor,
  ProcessorArgError,
  type ProcessorArgs,
  processorMain,
  replacePixels,
  shiftMap,
} from "../runtime/processor/mod.ts";
import { scalar } from "../protocol/pvdata/mod.ts";

/** The attributes that place a tile in its frame. */
export const TILE_ATTRIBUTES = [
  "TileIndex",
  "TileCount",
  "TileX",
  "TileY",
  "TileFrameId",
  "TileFrameWidth",
  "TileFrameHeight",
] as const;

/** How tiles are numbered: as their frame, or each its own id. */
export type TileIds = "frame" | "tile";

/** How {@link splitFrame} cuts a frame. */
export interface TileOptions {
  /** Tile width in pixels (default 256). */
  width?: number;
  /** Tile height in rows (default 256). */
  height?: number;
  /** Indices of the tiles wanted (default all). */
  tiles?: readonly number[];
  /** Numbering of the tiles (default "frame"). */
  ids?: TileIds;
}

const INT32 = scalar("int32");

/**
 * Tile options read from processor arguments, each absent one taken from `base`.
 * @param args the arguments (or options to check)
 * @param base the values of absent arguments
 * @throws {ProcessorArgError} naming an argument of the wrong type or out of range
 * @example
 * ```ts
 * import { tileOptions } from "./tiles.ts";
 * tileOptions({ tiles: [0, 2] }, { width: 64 }).width; // 64
 * ```
 */
export function tileOptions(args: ProcessorArgs, base: TileOptions = {}): TileOptions {
  return {
    width: integerArg(args, "width", { min: 1 }) ?? base.width,
    height: integerArg(args, "height", { min: 1 }) ?? base.height,
    tiles: tileList(args.tiles) ?? base.tiles,
    ids: choiceArg(args, "ids", ["frame", "tile"] as const) ?? base.ids,
  };
}

/**
 * The tiles of a frame, in row order.
 * @param frame an uncompressed frame, mono or RGB
 * @param options tile size, which tiles, how they are numbered
 * @throws {ImageLayoutError} when the frame is compressed or its shape does not fit its colour mode
 * @throws {ProcessorArgError} when an option is of the wrong type or out of range
 * @example
 * ```ts
 * import { frameFromNTNDArray, ntNDArray } from "../mod.ts";
 * import { splitFrame } from "./tiles.ts";
 * const frame = frameFromNTNDArray(ntNDArray({ data: new Uint8Array(30), dims: [6, 5] }));
 * splitFrame(frame, { width: 4, height: 4 }).map((t) => t.shape); // [[4, 4], [2, 4], [4, 1], [2, 1]]
 * ```
 */
export function splitFrame(frame: Frame, options: TileOptions = {}): Frame[] {
  const checked = tileOptions({ ...options });
  const { width = 256, height = 256, ids = "frame" } = checked;
  const from = imageLayout(frame);
  const columns = Math.ceil(from.nx / width);
  const count = columns * Math.ceil(from.ny / height);
  const wanted = checked.tiles ?? Array.from({ length: count }, (_, i) => i);
  return wanted.filter((i) => i < count).map((index) => {
    const x = (index % columns) * width;
    const y = Math.floor(index / columns) * height;
    const to = contiguousLayout(from.colorMode, Math.min(width, from.nx - x), Math.min(height, from.ny - y));
    return tile(frame, from, to, { index, count, x, y, ids });
  });
}

interface Placement {
  index: number;
  count: number;
  x: number;
  y: number;
  ids: TileIds;
}

function tile(frame: Frame, from: ImageLayout, to: ImageLayout, p: Placement): Frame {
  const data = newPixels(frame.dtype, to);
  copyPixels(frame.data, from, data, to, { x: 0, y: 0, width: to.nx, height: to.ny }, shiftMap(p.x, p.y));
  const place: Record<(typeof TILE_ATTRIBUTES)[number], number> = {
    TileIndex: p.index,
    TileCount: p.count,
    TileX: p.x,
    TileY: p.y,
    TileFrameId: frame.uniqueId,
    TileFrameWidth: from.nx,
    TileFrameHeight: from.ny,
  };
  return {
    ...replacePixels(frame, data, to.shape),
    uniqueId: p.ids === "tile" ? frame.uniqueId * p.count + p.index : frame.uniqueId,
    attributes: { ...frame.attributes, ...place },
    attributeTypes: {
      ...frame.attributeTypes,
      ...Object.fromEntries(TILE_ATTRIBUTES.map((name) => [name, INT32])),
    },
  };
}

/** Splits every frame into tiles (see the module documentation for the arguments). */
export class TilesProcessor implements Processor {
  /** Frames split, tiles published, tiles per frame. */
  readonly statsTypes = { nFrames: "ulong", nTiles: "ulong", tileCount: "uint" } as const;
  /** Frames always. */
  readonly outputType = "frame";
  #options: TileOptions = {};
  #nFrames = 0;
  #nTiles = 0;
  #tileCount = 0;

  /** Reads `width`, `height`, `tiles`, `ids`; absent keys keep their value, an invalid one changes nothing. */
  configure(args: ProcessorArgs): void {
    this.#options = tileOptions(args, this.#options);
  }

  /**
   * Splits one frame.
   * @returns the frame's tiles, in row order
   */
  process(frame: Frame): Frame[] {
    const tiles = splitFrame(frame, this.#options);
    this.#nFrames++;
    this.#nTiles += tiles.length;
    if (tiles.length > 0) this.#tileCount = tiles[0].attributes.TileCount as number;
    return tiles;
  }

  /** Frames split, tiles published, tiles per frame of the latest frame. */
  stats(): Record<string, number> {
    return { nFrames: this.#nFrames, nTiles: this.#nTiles, tileCount: this.#tileCount };
  }

  /** Zeroes the counts. */
  resetStats(): void {
    this.#nFrames = this.#nTiles = this.#tileCount = 0;
  }
}

function tileList(v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((i) => Number.isSafeInteger(i) && i >= 0)) {
    throw new ProcessorArgError("tiles", "a list of tile indices (integers >= 0)", v);
  }
  return v;
}

// `deno run -A processors/tiles.ts --input-channel ... --processor-args '{"width": 128}'` runs a consumer.
if (import.meta.main) await processorMain(import.meta.url, { className: "TilesProcessor" });
