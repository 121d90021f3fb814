/**
 * What both pages share beside the metrics: the large-number toggle (remembered by the browser) and
 * filling a definition list.
 *
 * @module
 */

const LARGE_KEY = "pvastream.largeNumbers";

/**
 * Wires the large-number toggle button to the `large` class of the document.
 * @param {HTMLButtonElement} button
 */
export function wireLargeToggle(button) {
  const apply = (on) => {
    document.documentElement.classList.toggle("large", on);
    button.setAttribute("aria-pressed", String(on));
  };
  apply(localStorage.getItem(LARGE_KEY) === "1");
  button.addEventListener("click", () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    localStorage.setItem(LARGE_KEY, on ? "1" : "0");
    apply(on);
  });
}

/**
 * Replaces the content of `list` by `term → value` pairs.
 * @param {HTMLElement} list a `<dl>`
 * @param {[string, string][]} entries
 */
export function fillList(list, entries) {
  list.replaceChildren(...entries.flatMap(([term, value]) => {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    return [dt, dd];
  }));
}
