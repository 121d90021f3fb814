/**
 * The workflow page: polls /api/workflow (every stage's status, gathered by the server) and draws the
 * pipeline as columns of stages in the order their kinds first appear (simulator → consumers →
 * collector), each with its rates, counters and a link to its own page.
 *
 * @module
 */
import { eventCounts, formatNumber, RateMeter } from "./metrics.js";
import { wireLargeToggle } from "./large_numbers.js";

const POLL_MS = 1000;
const $pipeline = document.getElementById("pipeline");
const $connection = document.getElementById("connection");
/** @type {Map<string, { meter: RateMeter, rates: ReturnType<RateMeter["update"]> }>} */
const meters = new Map();

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function stageCard(stage) {
  let entry = meters.get(stage.name);
  if (!entry) meters.set(stage.name, entry = { meter: new RateMeter(), rates: null });
  if (stage.status) entry.rates = entry.meter.update(stage.status) ?? entry.rates;
  const card = element("li", "stage");
  card.dataset.state = stage.status ? "up" : "down";
  card.dataset.stage = stage.name;
  const link = element("a", "stage-name", stage.name);
  link.href = stage.url;
  card.append(link, element("p", "stage-kind", stage.kind));
  const rates = element("dl", "counters");
  const add = (list, term, value) => list.append(element("dt", "", term), element("dd", "", value));
  add(rates, "frames/s", formatNumber(entry.rates?.framesPerSecond));
  add(rates, "MB/s", formatNumber(entry.rates?.megabytesPerSecond));
  if (stage.status) {
    for (const { label, value } of eventCounts(stage.status)) add(rates, label, formatNumber(value));
  } else {
    card.append(element("p", "stage-error", stage.error ?? "no status"));
  }
  card.append(rates);
  return card;
}

function draw(stages) {
  const columns = new Map();
  for (const stage of stages) {
    if (!columns.has(stage.kind)) columns.set(stage.kind, []);
    columns.get(stage.kind).push(stage);
  }
  const items = [...columns.entries()].map(([kind, list]) => {
    const column = element("li", "column");
    column.setAttribute("aria-label", `${kind} stage${list.length > 1 ? "s" : ""}`);
    const cards = element("ul", "stages");
    cards.append(...list.map(stageCard));
    column.append(cards);
    return column;
  });
  $pipeline.replaceChildren(...items);
}

async function poll() {
  try {
    const res = await fetch("/api/workflow", { cache: "no-store" });
    const { stages } = await res.json();
    draw(stages);
    $connection.textContent = "live";
    $connection.dataset.state = "live";
  } catch {
    $connection.textContent = "disconnected, retrying…";
    $connection.dataset.state = "down";
  }
  setTimeout(poll, POLL_MS);
}

wireLargeToggle(document.getElementById("large-toggle"));
poll();
