/**
 * Sharing the run's time among the searches: each search gets what is left divided by the
 * searches still to come, and makes as many probes as that pays for after its confirmations,
 * so that a search that needed more trials shortens the later ones instead of the run.
 *
 * @module
 */
import type { SearchPlan } from "./search.ts";

/** Seconds a trial costs beyond its window and start delay: start-up, drain, exit. */
const TRIAL_OVERHEAD_SECONDS = 5;

/** Tells each search how many trials it may make. */
export class SearchBudget {
  readonly #deadline: number;
  #searchesLeft: number;
  readonly #trialCost: (window: number) => number;

  /**
   * A budget whose time starts now.
   * @param seconds time all searches may take together
   * @param searches how many searches share it
   * @param startDelay seconds each trial waits before its first frame
   */
  constructor(seconds: number, searches: number, startDelay: number) {
    this.#deadline = performance.now() + seconds * 1000;
    this.#searchesLeft = searches;
    this.#trialCost = (window) => window + startDelay + TRIAL_OVERHEAD_SECONDS;
  }

  /**
   * The limits of the next search: two confirmations, and the probes its share pays for (at
   * least two, so that every search moves from its start rate at least once; two probes and two
   * confirmations are made even when the budget is spent).
   */
  next(windows: { probe: number; full: number }): Pick<SearchPlan, "maxProbes" | "maxConfirms"> {
    const left = Math.max(0, (this.#deadline - performance.now()) / 1000);
    const share = left / Math.max(1, this.#searchesLeft--);
    const confirms = 2;
    const afterConfirm = share - this.#trialCost(windows.full) * (confirms - 1);
    const maxProbes = Math.max(2, Math.floor(afterConfirm / this.#trialCost(windows.probe)));
    return { maxProbes, maxConfirms: confirms };
  }
}
