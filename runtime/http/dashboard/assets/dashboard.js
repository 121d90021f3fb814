/**
 * The process page: follows /api/events, charts the rates, shows the counters, polls the preview a few
 * times a second (only while the page is visible) and runs the POST commands.
 *
 * @module
 */
import { describe, eventCounts, formatNumber, queueFill, RateMeter } from "./metrics.js";
import { RateChart } from "./chart.js";
import { wireLargeToggle } from "./large_numbers.js";

const PREVIEW_PERIOD_MS = 500;
const $ = (id) => document.getElementById(id);

const meter = new RateMeter();
const fpsChart = new RateChart($("fps-chart"), { label: "frames/s", color: "#5fb3ff" });
const mbpsChart = new RateChart($("mbps-chart"), { label: "MB/s", color: "#ffb454" });
/** Bytes of the last previewed frame, for MB/s when the status counts no bytes. */
let bytesPerFrame;

/**
 * Replaces the content of `list` by `term → value` pairs.
 * @param {HTMLElement} list a `<dl>`
 * @param {[string, string][]} entries
 */
function fillList(list, entries) {
  list.replaceChildren(...entries.flatMap(([term, value]) => {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    return [dt, dd];
  }));
}

function showStatus(doc) {
  const name = describe(doc);
  $("title").textContent = name;
  document.title = `${name} · pvastream`;
  const rates = meter.update(doc, { bytesPerFrame });
  if (rates !== null) {
    $("fps").value = formatNumber(rates.framesPerSecond);
    $("mbps").value = formatNumber(rates.megabytesPerSecond);
    fpsChart.push(rates.time, rates.framesPerSecond);
    if (rates.megabytesPerSecond !== null) mbpsChart.push(rates.time, rates.megabytesPerSecond);
  }
  fillList($("counters"), eventCounts(doc).map(({ label, value }) => [label, formatNumber(value)]));
  const queue = queueFill(doc);
  fillList(
    $("queue"),
    queue === null
      ? [["queue", "—"]]
      : [["queued", formatNumber(queue.queued)], ["delivered", formatNumber(queue.delivered)], [
        "rejected",
        formatNumber(queue.rejected),
      ]],
  );
  const user = Object.entries(doc.userStats ?? {});
  fillList(
    $("user-stats"),
    user.length === 0
      ? [["none", "—"]]
      : user.map(([k, v]) => [k, typeof v === "number" ? formatNumber(v) : String(v)]),
  );
  $("raw").textContent = JSON.stringify(doc, null, 2);
}

function followStatus() {
  const events = new EventSource("/api/events");
  events.addEventListener("status", (e) => {
    $("connection").textContent = "live";
    $("connection").dataset.state = "live";
    showStatus(JSON.parse(e.data));
  });
  events.addEventListener("error", () => {
    $("connection").textContent = "disconnected, retrying…";
    $("connection").dataset.state = "down";
  });
}

let previewUrl;

async function refreshPreview() {
  const caption = $("preview-caption");
  const res = await fetch("/api/preview.png", { cache: "no-store" });
  if (res.status === 404) {
    $("preview-section").hidden = true;
    return false;
  }
  if (res.status === 200) {
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const img = $("preview");
    img.src = url;
    img.hidden = false;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = url;
    const h = res.headers;
    bytesPerFrame = Number(h.get("x-frame-bytes")) || undefined;
    const [min, max] = (h.get("x-preview-range") ?? "").split(" ").map(Number);
    const cost = /dur=([\d.]+)/.exec(h.get("server-timing") ?? "")?.[1];
    caption.textContent = `${h.get("x-frame-size")} ${h.get("x-frame-dtype")} ${h.get("x-frame-color")}, ` +
      `scale ${formatNumber(min)} … ${formatNumber(max)}; preview cost ${Number(cost).toFixed(2)} ms`;
  } else if (res.status === 204) {
    caption.textContent = "waiting for a frame…";
  } else {
    caption.textContent = `no preview: ${(await res.json()).error}`;
  }
  return true;
}

async function previewLoop() {
  let again = true;
  if (!document.hidden) again = await refreshPreview().catch(() => true);
  if (again) setTimeout(previewLoop, PREVIEW_PERIOD_MS);
}

async function command(path, body) {
  const headers = {};
  const token = $("token").value.trim();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const message = $("message");
  message.textContent = "…";
  try {
    const res = await fetch(path, { method: "POST", headers, body });
    const answer = await res.json();
    message.textContent = answer.statusMessage ?? answer.error;
    message.dataset.state = res.ok ? "ok" : "error";
    return res.ok;
  } catch (e) {
    message.textContent = `request failed: ${e.message}`;
    message.dataset.state = "error";
    return false;
  }
}

/** The textarea's JSON object, or a message saying why it is not one. */
function configureArgs() {
  let args;
  try {
    args = JSON.parse($("args").value);
  } catch (e) {
    return { error: `not JSON: ${e.message}` };
  }
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    return { error: 'the arguments must be a JSON object, e.g. {"receiverQueueSize": 100}' };
  }
  return { body: JSON.stringify(args) };
}

$("configure-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const { error, body } = configureArgs();
  const textarea = $("args");
  textarea.setAttribute("aria-invalid", String(error !== undefined));
  if (error !== undefined) {
    $("message").textContent = error;
    $("message").dataset.state = "error";
    textarea.focus();
    return;
  }
  command("/api/configure", body);
});
$("reset").addEventListener("click", async () => {
  if (await command("/api/reset-stats")) {
    fpsChart.clear();
    mbpsChart.clear();
  }
});
$("stop").addEventListener("click", () => {
  if (confirm("Stop this process? It finishes and exits.")) command("/api/stop");
});

wireLargeToggle($("large-toggle"));
followStatus();
previewLoop();
