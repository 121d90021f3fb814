/**
 * The colour map of mono previews: viridis (perceptually uniform, readable by colour-blind viewers, dark at
 * the low end), as a 256-entry lookup table interpolated between its published stops.
 *
 * @module
 */

// matplotlib's viridis sampled at 0, 0.1, ..., 1.
const STOPS: readonly (readonly [number, number, number])[] = [
  [0x44, 0x01, 0x54],
  [0x48, 0x24, 0x75],
  [0x41, 0x44, 0x87],
  [0x35, 0x5f, 0x8d],
  [0x2a, 0x78, 0x8e],
  [0x21, 0x91, 0x8c],
  [0x22, 0xa8, 0x84],
  [0x44, 0xbf, 0x70],
  [0x7a, 0xd1, 0x51],
  [0xbd, 0xdf, 0x26],
  [0xfd, 0xe7, 0x25],
];

function interpolate(): Uint8Array {
  const table = new Uint8Array(256 * 3);
  const spans = STOPS.length - 1;
  for (let i = 0; i < 256; i++) {
    const at = (i / 255) * spans;
    const k = Math.min(spans - 1, Math.floor(at));
    const f = at - k;
    for (let c = 0; c < 3; c++) {
      table[i * 3 + c] = Math.round(STOPS[k][c] + (STOPS[k + 1][c] - STOPS[k][c]) * f);
    }
  }
  return table;
}

/** Viridis as 256 RGB triples: entry i is bytes `3i .. 3i+2`; 0 is the lowest value, 255 the highest. */
export const VIRIDIS: Readonly<Uint8Array> = interpolate();
