/**
 * Chooses the frames to publish from the settings: the input file and directory (.npy files, and raw
 * files when a YAML description is given), or generated frames when there is no input.
 *
 * @module
 */
import { FrameInputError, type FrameSource, packedFrames, shapeText, splitShape } from "./frame.ts";
import { generatedFrames } from "./generated.ts";
import { parseNpy } from "./npy.ts";
import type { SimulatorSettings } from "./options.ts";
import { parseRawDescription, type RawDescription, rawFrames } from "./raw.ts";

function read(file: string): Uint8Array<ArrayBuffer> {
  try {
    return Deno.readFileSync(file);
  } catch (e) {
    throw new FrameInputError(`${file}: cannot read: ${(e as Error).message}`);
  }
}

/** The files of a directory (not subdirectories), sorted by name. */
function listDirectory(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => `${dir}/${e.name}`).sort();
  } catch (e) {
    throw new FrameInputError(`${dir}: cannot list: ${(e as Error).message}`);
  }
}

function fileFrames(file: string, s: SimulatorSettings, raw: RawDescription | null): FrameSource {
  if (file.toLowerCase().endsWith(".npy")) {
    const { datatype, shape, data } = parseNpy(read(file), file);
    const { count, dims } = splitShape(shape, s.colorMode, file);
    const text = `${count} ${shapeText(dims, datatype, s.colorMode)} frames from ${file}`;
    return packedFrames(data, dims, s.colorMode, text);
  }
  if (raw === null) {
    throw new FrameInputError(`${file}: not a .npy file, and no --config-file describes it as raw binary`);
  }
  return rawFrames(read(file), raw, s.colorMode, file);
}

/** Several sources as one, frames numbered across them in order; `limit` keeps only the first frames. */
function concatenated(sources: FrameSource[], limit: number): FrameSource {
  const starts: number[] = [];
  let total = 0;
  for (const src of sources) {
    starts.push(total);
    total += src.count;
  }
  const count = limit > 0 ? Math.min(limit, total) : total;
  return {
    count,
    description: sources.map((src) => src.description).join("; ") +
      (count < total ? ` (first ${count})` : ""),
    frame(i) {
      let k = starts.length - 1;
      while (starts[k] > i) k--;
      return sources[k].frame(i - starts[k]);
    },
  };
}

/**
 * The frames the settings ask for.
 * @throws {FrameInputError} when an input cannot be read or does not fit the settings
 * @example
 * ```ts
 * import { openFrameSource } from "./input.ts";
 * import { resolveSettings } from "./options.ts";
 * openFrameSource(resolveSettings({ nFrames: 5 })).count; // 5
 * ```
 */
export function openFrameSource(s: SimulatorSettings): FrameSource {
  const raw = s.configFile === null
    ? null
    : parseRawDescription(new TextDecoder().decode(read(s.configFile)), s.configFile);
  let files = raw?.orderedFiles ?? [];
  if (files.length === 0) {
    // Without a raw description only .npy files of the directory can be frames; with one, every file
    // except YAML (the description may well sit beside the data) is.
    const usable = raw === null ? /\.npy$/i : /^(?!.*\.ya?ml$)/i;
    if (s.inputDirectory !== null) files = listDirectory(s.inputDirectory).filter((f) => usable.test(f));
    if (s.inputFile !== null) files = [...files, s.inputFile].sort();
  }
  if (files.length === 0) {
    if (s.inputDirectory !== null) files = listDirectory(s.inputDirectory);
    if (s.inputFile !== null) files = [...files, s.inputFile].sort();
    if (s.inputDirectory !== null && raw === null) {
      files = files.filter((f) => f.toLowerCase().endsWith(".npy"));
    }
  }
  if (files.length === 0) {
    if (s.inputDirectory !== null) {
      throw new FrameInputError(`${s.inputDirectory}: no .npy (or described raw) files`);
    }
    return generatedFrames({ ...s, count: s.nFrames > 0 ? s.nFrames : s.cacheSize });
  }
  const frames = concatenated(files.map((f) => fileFrames(f, s, raw)), s.nFrames);
  if (frames.count === 0) throw new FrameInputError(`${files.join(", ")}: no frames`);
  return frames;
}
