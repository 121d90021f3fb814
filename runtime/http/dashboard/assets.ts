/**
 * The dashboard's files, part of the module graph (text imports): they need no read permission, travel
 * with `deno compile`, and uPlot comes from the pinned npm package, so the pages work with no network.
 *
 * @module
 */
import indexHtml from "./assets/index.html" with { type: "text" };
import workflowHtml from "./assets/workflow.html" with { type: "text" };
import apiHtml from "./assets/api.html" with { type: "text" };
import apiDocsJs from "./assets/api_docs.js" with { type: "text" };
import dashboardCss from "./assets/dashboard.css" with { type: "text" };
import dashboardJs from "./assets/dashboard.js" with { type: "text" };
import workflowJs from "./assets/workflow.js" with { type: "text" };
import metricsJs from "./assets/metrics.js" with { type: "text" };
import chartJs from "./assets/chart.js" with { type: "text" };
import largeNumbersJs from "./assets/large_numbers.js" with { type: "text" };
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };

/** A file served as is. */
export interface Asset {
  /** Content-Type. */
  type: string;
  /** The content. */
  body: string;
}

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const HTML = "text/html; charset=utf-8";

/** The process page, served at `/`. */
export const PROCESS_PAGE: Asset = { type: HTML, body: indexHtml };

/** The workflow page, served at `/` when the app knows the pipeline's stages. */
export const WORKFLOW_PAGE: Asset = { type: HTML, body: workflowHtml };

/** The interactive API reference, served at `/api/docs`. */
export const API_PAGE: Asset = { type: HTML, body: apiHtml };

/** Files under `/dashboard/` by name. */
export const DASHBOARD_FILES: ReadonlyMap<string, Asset> = new Map([
  ["dashboard.css", { type: CSS, body: dashboardCss }],
  ["dashboard.js", { type: JS, body: dashboardJs }],
  ["workflow.js", { type: JS, body: workflowJs }],
  ["api_docs.js", { type: JS, body: apiDocsJs }],
  ["metrics.js", { type: JS, body: metricsJs }],
  ["chart.js", { type: JS, body: chartJs }],
  ["large_numbers.js", { type: JS, body: largeNumbersJs }],
  ["uplot.js", { type: JS, body: uplotJs }],
  ["uplot.css", { type: CSS, body: uplotCss }],
]);
