/**
 * A scrolling line chart of one rate over the last few minutes, drawn by uPlot (loaded by the page as the
 * global `uPlot`). The numbers beside each chart carry the same information for screen readers.
 *
 * @module
 */

const HEIGHT_REM = 10;
const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** The last `points` values of one rate, redrawn on each push. */
export class RateChart {
  #plot;
  /** @type {number[]} */
  #times = [];
  /** @type {number[]} */
  #values = [];
  #points;

  /**
   * @param {HTMLElement} element where the chart goes
   * @param {{ label: string, color: string, points?: number }} options
   */
  constructor(element, { label, color, points = 300 }) {
    this.#points = points;
    const style = getComputedStyle(document.documentElement);
    const ink = style.getPropertyValue("--ink-muted").trim();
    const grid = style.getPropertyValue("--grid").trim();
    const font = `${style.fontSize} system-ui, sans-serif`;
    const height = () => HEIGHT_REM * parseFloat(getComputedStyle(document.documentElement).fontSize);
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, font };
    this.#plot = new globalThis.uPlot(
      {
        width: element.clientWidth || 400,
        height: height(),
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
        series: [{}, { label, stroke: color, width: 2, fill: `${color}33`, points: { show: false } }],
        axes: [
          { ...axis, space: 100, values: (_u, ticks) => ticks.map((t) => clock.format(t * 1000)) },
          { ...axis, size: 70 },
        ],
      },
      [[], []],
      element,
    );
    new ResizeObserver(() => this.#plot.setSize({ width: element.clientWidth, height: height() }))
      .observe(element);
  }

  /**
   * Appends a value.
   * @param {number} time seconds since the epoch
   * @param {number} value
   */
  push(time, value) {
    this.#times.push(time);
    this.#values.push(value);
    if (this.#times.length > this.#points) {
      this.#times.shift();
      this.#values.shift();
    }
    this.#plot.setData([this.#times, this.#values]);
  }

  /** Forgets every value (after a reset). */
  clear() {
    this.#times = [];
    this.#values = [];
    this.#plot.setData([[], []]);
  }
}
