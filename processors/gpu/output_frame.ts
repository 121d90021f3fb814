/**
 * Frames the GPU processors publish: new pixels and shape, everything else (uniqueId, time
 * stamps, attributes) from the input frame.
 *
 * @module
 */
import { dtypeOf, type Frame, type FrameData } from "../../runtime/processor/mod.ts";

/**
 * A frame like `source` with other pixels.
 * @param source the input frame
 * @param data the new pixels (raw, not compressed)
 * @param shape their axes, x first
 */
export function derivedFrame(source: Frame, data: FrameData, shape: number[]): Frame {
  return {
    ...source,
    data,
    dtype: dtypeOf(data),
    shape,
    codec: { name: "" },
    uncompressedSize: data.byteLength,
  } as Frame;
}
