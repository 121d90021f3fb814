/**
 * The large-number toggle both pages have, for control-room screens: it sets the `large` class of the
 * document (the styles raise the root font size) and the browser remembers it.
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
