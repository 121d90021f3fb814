/**
 * Stitch: reassembles the tiles `tiles.ts` publishes into their frames. Meant to run in a
 * collector (or a consumer) that receives the tiles of several frames interleaved, in any order,
 * possibly from several producers: the tiles of each frame are pasted into it as they come, and
 * the frame is published as soon as its last tile arrives, with the frame's uniqueId
 * (`TileFrameId`), the time stamps and attributes of its tiles (the `Tile*` attributes removed),
 * its dtype and colour mode.
 *
 * Memory is bounded: at most `maxPending` frames are being assembled at once, each at most
 * `maxFrameBytes`, checked before the frame is allocated. A frame still incomplete `timeout`
 * seconds after its first tile, or the oldest one when a new frame would exceed `maxPending`,
 * is dropped and reported as incomplete (statistics `nIncomplete`, `nMissingTiles`,
 * `lastIncompleteId`); tiles of a frame already published or dropped are counted as late and
 * ignored. The timeout is checked on every tile and every statistics report, so a stream that
 * stops still reports its last frames.
 *
 * Arguments:
 * - `timeout` (default 5): seconds a frame may take to complete;
 * - `maxPending` (default 16): frames assembled at once;
 * - `maxFrameBytes` (default 1 GiB): the largest frame assembled.
 *
 * User statistics: `nFrames` (published), `nTiles` (received), `nPending`, `nIncomplete`,
 * `nMissingTiles` (tiles the incomplete frames lacked), `lastIncompleteId` (-1: none),
 * `nDuplicateTiles`, `nLateTiles`.
 *
 * A tile without the `Tile*` attributes, or one that disagrees with the earlier tiles of its
 * frame (dtype, colour mode, size, tile count) or falls outside it, fails with a
 * {@link StitchError} naming the problem; the frame's other tiles are not affected. A frame whose
 * tiles have all come but do not cover it exactly (their areas do not add up to the frame's)
 * fails the last tile with a StitchError and is dropped as incomplete.
 *
 * @module
 */
// Not ../mod.ts: that pulls in the HTTP API and its npm packages, which a child-process sandbox
// (--processor-isolation process, run with --no-npm) cannot load.
import {
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
import { TILE_ATTRIBUTES } from "./tiles.ts";

/** A tile that cannot be placed. */
export class StitchError extends Error {
  /**
   * Says what is wrong.
   * @param message what is wrong with the tile
   */
  constructor(message: string) {
    super(message);
    this.name = "StitchError";
  }
}

/** Limits of a {@link Stitcher}. */
export interface StitchOptions {
  /** Milliseconds a frame may take to complete (default 5000). */
  timeoutMs?: number;
  /** Frames assembled at once (default 16). */
  maxPending?: number;
  /** Largest frame assembled, in bytes (default 1 GiB). */
  maxFrameBytes?: number;
  /** The clock, in milliseconds (default `performance.now`). */
  now?: () => number;
  /** Called for every frame dropped incomplete. */
  onIncomplete?: (frame: IncompleteFrame) => void;
}

/** A frame dropped before its last tile came. */
export interface IncompleteFrame {
  /** The frame's uniqueId. */
  id: number;
  /** Tiles received. */
  received: number;
  /** Tiles it has. */
  count: number;
  /**
   * Why: the timeout passed, room was needed for a newer frame, or all its tiles came but they do
   * not cover it exactly (tiles of another tiling mixed in).
   */
  reason: "timeout" | "evicted" | "coverage";
}

/** Counts of a {@link Stitcher}. */
export interface StitchCounts {
  /** Frames published. */
  nFrames: number;
  /** Tiles received. */
  nTiles: number;
  /** Frames dropped incomplete. */
  nIncomplete: number;
  /** Tiles the dropped frames lacked. */
  nMissingTiles: number;
  /** uniqueId of the latest frame dropped, -1 for none. */
  lastIncompleteId: number;
  /** Tiles received twice. */
  nDuplicateTiles: number;
  /** Tiles of frames already published or dropped. */
  nLateTiles: number;
}

interface Pending {
  frame: Frame;
  layout: ImageLayout;
  count: number;
  received: Set<number>;
  /** Pixels the received tiles cover. */
  covered: number;
  started: number;
}

/** Where a tile goes, read from its attributes. */
interface Place {
  index: number;
  count: number;
  x: number;
  y: number;
  frameId: number;
  width: number;
  height: number;
}

/** Frames remembered as finished, so that their late tiles are recognised. */
const FINISHED_MEMORY = 4096;

/**
 * Reassembles frames from their tiles, any number of frames interleaved.
 * @example
 * ```ts
 * import { frameFromNTNDArray, ntNDArray } from "../mod.ts";
 * import { Stitcher } from "./stitch.ts";
 * import { splitFrame } from "./tiles.ts";
 * const frame = frameFromNTNDArray(ntNDArray({ data: new Uint8Array(30), dims: [6, 5], uniqueId: 4 }));
 * const stitcher = new Stitcher();
 * const [a, b] = splitFrame(frame, { width: 3, height: 5 });
 * stitcher.add(b); // undefined: one tile to go
 * stitcher.add(a)?.shape; // [6, 5]
 * ```
 */
export class Stitcher {
  readonly #timeoutMs: number;
  readonly #maxPending: number;
  readonly #maxFrameBytes: number;
  readonly #now: () => number;
  readonly #onIncomplete?: (frame: IncompleteFrame) => void;
  /** Frames being assembled, oldest first. */
  readonly #pending = new Map<number, Pending>();
  /** Frames published or dropped, oldest first (a bounded memory). */
  readonly #finished = new Set<number>();
  #counts: StitchCounts = zeroCounts();

  /**
   * A stitcher with no frame pending.
   * @param options the limits and the clock
   */
  constructor(options: StitchOptions = {}) {
    const { timeoutMs = 5000, maxPending = 16, maxFrameBytes = 2 ** 30, now = () => performance.now() } =
      options;
    this.#timeoutMs = timeoutMs;
    this.#maxPending = maxPending;
    this.#maxFrameBytes = maxFrameBytes;
    this.#now = now;
    this.#onIncomplete = options.onIncomplete;
  }

  /** The counts so far (frames that timed out are dropped first). */
  get counts(): StitchCounts & { nPending: number } {
    this.expire();
    return { ...this.#counts, nPending: this.#pending.size };
  }

  /** Zeroes the counts; frames being assembled stay. */
  resetCounts(): void {
    this.#counts = zeroCounts();
  }

  /**
   * Adds a tile; returns its frame when this was the frame's last tile.
   * @throws {StitchError} when the tile cannot be placed
   */
  add(tile: Frame): Frame | undefined {
    this.expire();
    const from = imageLayout(tile);
    const place = placeOf(tile, from);
    this.#counts.nTiles++;
    if (this.#finished.has(place.frameId)) {
      this.#counts.nLateTiles++;
      return undefined;
    }
    const pending = this.#pending.get(place.frameId) ?? this.#start(tile, place);
    checkConsistent(pending, tile, place);
    if (pending.received.has(place.index)) {
      this.#counts.nDuplicateTiles++;
      return undefined;
    }
    const region = { x: place.x, y: place.y, width: from.nx, height: from.ny };
    copyPixels(tile.data, from, pending.frame.data, pending.layout, region, shiftMap(0, 0));
    pending.received.add(place.index);
    pending.covered += from.nx * from.ny;
    if (pending.received.size < pending.count) return undefined;
    const pixels = pending.layout.nx * pending.layout.ny;
    if (pending.covered !== pixels) {
      this.#drop(place.frameId, pending, "coverage");
      throw new StitchError(
        `frame ${place.frameId}: its ${pending.count} tiles cover ${pending.covered} of ${pixels} pixels`,
      );
    }
    this.#finish(place.frameId);
    this.#counts.nFrames++;
    return pending.frame;
  }

  /** Drops the frames whose timeout has passed. */
  expire(): void {
    const now = this.#now();
    for (const [id, p] of this.#pending) {
      if (now - p.started < this.#timeoutMs) break; // oldest first: the rest are younger
      this.#drop(id, p, "timeout");
    }
  }

  #start(tile: Frame, place: Place): Pending {
    const layout = contiguousLayout(tile.colorMode, place.width, place.height);
    const bytes = layout.colours * layout.nx * layout.ny * tile.data.BYTES_PER_ELEMENT;
    if (bytes > this.#maxFrameBytes) {
      throw new StitchError(
        `frame ${place.frameId}: ${place.width} x ${place.height} is ${bytes} bytes, more than maxFrameBytes ${this.#maxFrameBytes}`,
      );
    }
    if (this.#pending.size >= this.#maxPending) {
      const [id, oldest] = this.#pending.entries().next().value!;
      this.#drop(id, oldest, "evicted");
    }
    const attributes = { ...tile.attributes };
    const attributeTypes = { ...tile.attributeTypes };
    for (const name of TILE_ATTRIBUTES) {
      delete attributes[name];
      delete attributeTypes[name];
    }
    const frame: Frame = {
      ...replacePixels(tile, newPixels(tile.dtype, layout), layout.shape),
      uniqueId: place.frameId,
      attributes,
      attributeTypes,
    };
    const pending = {
      frame,
      layout,
      count: place.count,
      received: new Set<number>(),
      covered: 0,
      started: this.#now(),
    };
    this.#pending.set(place.frameId, pending);
    return pending;
  }

  #drop(id: number, p: Pending, reason: IncompleteFrame["reason"]): void {
    this.#finish(id);
    this.#counts.nIncomplete++;
    this.#counts.nMissingTiles += p.count - p.received.size;
    this.#counts.lastIncompleteId = id;
    this.#onIncomplete?.({ id, received: p.received.size, count: p.count, reason });
  }

  #finish(id: number): void {
    this.#pending.delete(id);
    this.#finished.add(id);
    if (this.#finished.size > FINISHED_MEMORY) this.#finished.delete(this.#finished.values().next().value!);
  }
}

function zeroCounts(): StitchCounts {
  return {
    nFrames: 0,
    nTiles: 0,
    nIncomplete: 0,
    nMissingTiles: 0,
    lastIncompleteId: -1,
    nDuplicateTiles: 0,
    nLateTiles: 0,
  };
}

/** Where the tile goes; it must fit in the frame its attributes describe. */
function placeOf(tile: Frame, layout: ImageLayout): Place {
  const read = (name: (typeof TILE_ATTRIBUTES)[number], min: number): number => {
    const v = tile.attributes[name];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
      const what = v === undefined ? "missing" : `${String(v)}, not an integer >= ${min}`;
      throw new StitchError(`tile of frame ${tile.uniqueId}: attribute ${name} is ${what}`);
    }
    return v;
  };
  const place = {
    index: read("TileIndex", 0),
    count: read("TileCount", 1),
    x: read("TileX", 0),
    y: read("TileY", 0),
    frameId: read("TileFrameId", -(2 ** 31)),
    width: read("TileFrameWidth", 1),
    height: read("TileFrameHeight", 1),
  };
  const fail = (why: string) => new StitchError(`tile ${place.index} of frame ${place.frameId}: ${why}`);
  if (place.index >= place.count) throw fail(`the frame has ${place.count} tiles`);
  if (place.x + layout.nx > place.width || place.y + layout.ny > place.height) {
    throw fail(`${layout.nx} x ${layout.ny} at (${place.x}, ${place.y}) reaches outside the frame`);
  }
  return place;
}

/** The tile agrees with the first tile of its frame. */
function checkConsistent(p: Pending, tile: Frame, place: Place): void {
  const f = p.frame;
  const fail = (why: string) => new StitchError(`tile ${place.index} of frame ${place.frameId}: ${why}`);
  if (tile.dtype !== f.dtype || tile.colorMode !== f.colorMode) {
    throw fail(
      `${tile.dtype} colour mode ${tile.colorMode}, the frame is ${f.dtype} colour mode ${f.colorMode}`,
    );
  }
  if (place.width !== p.layout.nx || place.height !== p.layout.ny || place.count !== p.count) {
    throw fail(
      `says ${place.width} x ${place.height} in ${place.count} tiles, the frame's first tile did not`,
    );
  }
}

interface StitchLimits {
  timeout: number;
  maxPending: number;
  maxFrameBytes: number;
}

/**
 * Reassembles tiled frames (see the module documentation for the arguments). Each frame dropped
 * incomplete is also written to the console, which the sandbox passes to the host's logger.
 */
export class StitchProcessor implements Processor {
  /** Frames published, tiles received, frames pending and dropped. */
  readonly statsTypes = {
    nFrames: "ulong",
    nTiles: "ulong",
    nPending: "uint",
    nIncomplete: "ulong",
    nMissingTiles: "ulong",
    lastIncompleteId: "long",
    nDuplicateTiles: "ulong",
    nLateTiles: "ulong",
  } as const;
  /** Frames always. */
  readonly outputType = "frame";
  #limits: StitchLimits = { timeout: 5, maxPending: 16, maxFrameBytes: 2 ** 30 };
  #stitcher = this.#newStitcher();

  /** Reads `timeout`, `maxPending`, `maxFrameBytes`; a change starts afresh (frames being assembled are dropped). */
  configure(args: ProcessorArgs): void {
    const l = this.#limits;
    const timeout = args.timeout;
    if (timeout !== undefined && !(typeof timeout === "number" && timeout > 0 && Number.isFinite(timeout))) {
      throw new ProcessorArgError("timeout", "a number of seconds > 0", timeout);
    }
    const next = {
      timeout: timeout ?? l.timeout,
      maxPending: integerArg(args, "maxPending", { min: 1 }) ?? l.maxPending,
      maxFrameBytes: integerArg(args, "maxFrameBytes", { min: 1 }) ?? l.maxFrameBytes,
    };
    if (
      next.timeout === l.timeout && next.maxPending === l.maxPending && next.maxFrameBytes === l.maxFrameBytes
    ) {
      return;
    }
    this.#limits = next;
    this.#stitcher = this.#newStitcher();
  }

  #newStitcher(): Stitcher {
    const { timeout, maxPending, maxFrameBytes } = this.#limits;
    // A frame dropped is also reported as it happens, through the sandbox's log.
    const onIncomplete = (f: IncompleteFrame) =>
      console.warn(`frame ${f.id} incomplete (${f.reason}): ${f.received} of ${f.count} tiles`);
    return new Stitcher({ timeoutMs: timeout * 1000, maxPending, maxFrameBytes, onIncomplete });
  }

  /**
   * Places one tile.
   * @returns the tile's frame when this tile completed it, else nothing
   */
  process(tile: Frame): Frame | undefined {
    return this.#stitcher.add(tile);
  }

  /** The counts (frames past their timeout are dropped first). */
  stats(): Record<string, number> {
    return { ...this.#stitcher.counts };
  }

  /** Zeroes the counts; frames being assembled stay. */
  resetStats(): void {
    this.#stitcher.resetCounts();
  }
}

// `deno run -A processors/stitch.ts --input-channel ...` runs a consumer reassembling tiled frames.
if (import.meta.main) await processorMain(import.meta.url, { className: "StitchProcessor" });
