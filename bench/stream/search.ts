/**
 * The zero-loss rate search: short probes find the bracket (doubling up from a start rate until
 * frames are lost, halving down until none are, then bisecting), and full-window trials confirm
 * the best rate that held, stepping down until one holds. The reported rate is the last one that
 * held over the full window. Short probes can hold well above what a full window holds (queues
 * and socket buffers absorb a few seconds of overload, most at large frames), so a failed
 * confirmation steps down to below what the pipeline actually carried, not only by a fixed factor.
 *
 * @module
 */

/**
 * What a search needs of a trial: whether nothing was lost, and optionally the share of the
 * frames asked for (rate x window) that the consumers processed.
 */
export interface ProbeOutcome {
  /** Nothing was lost. */
  held: boolean;
  /** Frames processed over frames asked for, 0..1. */
  delivered?: number;
}

/** Runs one trial at `rate` frames/s for `window` seconds. */
export type Probe<R extends ProbeOutcome> = (rate: number, window: number) => Promise<R>;

/** How much one search may do. */
export interface SearchPlan {
  /** First rate tried. */
  start: number;
  /** Seconds of a probe. */
  probeWindow: number;
  /** Seconds of a confirming trial (the window). */
  fullWindow: number;
  /** Probes at most (at least one is made). */
  maxProbes: number;
  /** Confirming trials at most, each a step down from the last (at least one is made). */
  maxConfirms: number;
  /** Probing stops once the failing rate is within this factor of the holding one (e.g. 1.15). */
  precision: number;
  /** Rate never probed above (e.g. a multiple of the raw TCP ceiling). */
  ceiling: number;
  /**
   * Factor of each step down when a confirmation fails (e.g. 0.8); a trial that delivered less
   * than that share of its frames steps down to that share times the factor's square root (to a
   * quarter at most).
   */
  stepDown: number;
}

/** What a search found, with every trial it made (probes first). */
export interface SearchResult<R> {
  /** The highest rate that held over the full window; 0 when none did. */
  rate: number;
  /** The confirming trial at `rate` (undefined when none held). */
  confirmed?: R;
  /** Every trial made, in order. */
  trials: { rate: number; window: number; result: R }[];
}

/** Rates are whole frames per second with three significant digits (1234 → 1230). */
export function roundRate(rate: number): number {
  if (rate < 1) return 1;
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(rate)) - 2);
  return Math.max(1, Math.round(rate / scale) * scale);
}

/** Searches the highest zero-loss rate with `probe`, within `plan`. */
export async function searchZeroLoss<R extends ProbeOutcome>(
  probe: Probe<R>,
  plan: SearchPlan,
): Promise<SearchResult<R>> {
  const trials: SearchResult<R>["trials"] = [];
  const run = async (rate: number, window: number) => {
    const result = await probe(rate, window);
    trials.push({ rate, window, result });
    return result.held;
  };
  let held: number | undefined;
  let lost: number | undefined;
  let rate = roundRate(Math.min(plan.start, plan.ceiling));
  for (let n = 0; n < plan.maxProbes; n++) {
    if (await run(rate, plan.probeWindow)) held = rate;
    else lost = rate;
    let next: number;
    if (lost === undefined) next = Math.min(held! * 2, plan.ceiling);
    else if (held === undefined) next = lost / 2;
    else if (lost / held <= plan.precision) break;
    else next = Math.sqrt(held * lost);
    next = roundRate(next);
    if (next === rate || next === held || next === lost) break;
    rate = next;
  }
  // Confirm over the full window, stepping down from the best probe (or below the lowest loss).
  rate = held ?? roundRate((lost ?? plan.start) * plan.stepDown);
  for (let n = 0; n < plan.maxConfirms; n++) {
    if (await run(rate, plan.fullWindow)) {
      return { rate, confirmed: trials[trials.length - 1].result, trials };
    }
    // At most a quarter at a time: a trial that carried nothing says little about lower rates.
    const delivered = trials[trials.length - 1].result.delivered ?? 1;
    const carried = Math.max(0.25, delivered * Math.sqrt(plan.stepDown));
    const next = roundRate(rate * Math.min(plan.stepDown, carried));
    if (next === rate) break;
    rate = next;
  }
  return { rate: 0, trials };
}
