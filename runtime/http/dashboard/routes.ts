/**
 * The dashboard's routes, registered on the control app beside the API (and so in its OpenAPI document):
 * the page at `/`, its files under `/dashboard/`, the latest frame's preview, and the workflow's stages.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { FramePreview } from "../../preview/mod.ts";
import { errorResponse, errorSchema } from "../errors.ts";
import { API_PAGE, type Asset, DASHBOARD_FILES, PROCESS_PAGE, WORKFLOW_PAGE } from "./assets.ts";
import { type StageLink, stageStates } from "./stages.ts";

/** Pages load only this server's own files, so a status value can never run as script. */
const PAGE_POLICY =
  "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

const text = (type: string, description: string) => ({
  content: { [type]: { schema: z.string() } },
  description,
});

/** GET / */
export const pageRoute = createRoute({
  method: "get",
  path: "/",
  summary: "The dashboard: this process's page, or the workflow's when the app was given stages",
  responses: { 200: text("text/html", "The page") },
});

/** GET /api/docs */
export const apiDocsRoute = createRoute({
  method: "get",
  path: "/api/docs",
  summary: "This reference as a page: every operation of /api/openapi.json with a form that sends it",
  responses: { 200: text("text/html", "The page") },
});

/** GET /dashboard/{asset} */
export const assetRoute = createRoute({
  method: "get",
  path: "/dashboard/{asset}",
  summary: "A file of the dashboard (scripts, styles, the vendored uPlot)",
  request: { params: z.object({ asset: z.string() }) },
  responses: {
    200: text("text/javascript", "The file (JavaScript or CSS)"),
    404: { content: { "application/json": { schema: errorSchema } }, description: "No such file" },
  },
});

/** GET /api/preview.png */
export const previewRoute = createRoute({
  method: "get",
  path: "/api/preview.png",
  summary: "The latest frame, downsampled and auto-scaled (rendered at most a few times a second)",
  responses: {
    200: {
      content: { "image/png": { schema: z.string().openapi({ format: "binary" }) } },
      description: "Headers: X-Frame-Size (WxH), X-Frame-Dtype, X-Frame-Color, X-Frame-Bytes, " +
        "X-Preview-Range (min max), Server-Timing (render cost in ms)",
    },
    204: { description: "No frame yet" },
    422: {
      content: { "application/json": { schema: errorSchema } },
      description: "The frame cannot be drawn",
    },
  },
});

const stageStateSchema = z.object({
  name: z.string(),
  kind: z.string(),
  url: z.string(),
  status: z.record(z.string(), z.unknown()).nullable().describe("The stage's GET /api/status"),
  error: z.string().optional().describe("Why the status is missing"),
}).openapi("StageState");

/** GET /api/workflow */
export const workflowRoute = createRoute({
  method: "get",
  path: "/api/workflow",
  summary: "Every stage of the workflow with its current status",
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ stages: z.array(stageStateSchema) }) } },
      description: "The stages in pipeline order",
    },
  },
});

/** What the dashboard serves besides its pages. */
export interface DashboardOptions {
  /** The preview of the latest frame; no preview route without it. */
  preview?: FramePreview;
  /** The pipeline's stages; with them, `/` is the workflow page. */
  stages?: readonly StageLink[];
}

function serve(asset: Asset, headers: Record<string, string> = {}): Response {
  return new Response(asset.body, {
    headers: { "content-type": asset.type, "x-content-type-options": "nosniff", ...headers },
  });
}

const COLOR_NAMES: Readonly<Record<number, string>> = { 0: "mono", 2: "RGB1", 3: "RGB2", 4: "RGB3" };

/**
 * Registers the dashboard's routes on `app`.
 * @example
 * ```ts ignore
 * mountDashboard(app, { preview: new FramePreview({ source: consumer }) });
 * ```
 */
export function mountDashboard(app: OpenAPIHono, { preview, stages }: DashboardOptions): void {
  const page = stages === undefined ? PROCESS_PAGE : WORKFLOW_PAGE;
  app.openapi(pageRoute, () => serve(page, { "content-security-policy": PAGE_POLICY }));
  app.openapi(apiDocsRoute, () => serve(API_PAGE, { "content-security-policy": PAGE_POLICY }));
  app.openapi(assetRoute, (c) => {
    const { asset } = c.req.valid("param");
    const file = DASHBOARD_FILES.get(asset);
    return file === undefined ? errorResponse(c, 404, `no dashboard file ${asset}`) : serve(file);
  });
  if (preview !== undefined) {
    app.openapi(previewRoute, async (c) => {
      const result = await preview.current();
      if (result.kind === "empty") return c.body(null, 204);
      if (result.kind === "unusable") return errorResponse(c, 422, `the latest frame: ${result.reason}`);
      const { image, costMs, png } = result;
      return new Response(png, {
        headers: {
          "content-type": "image/png",
          "cache-control": "no-store",
          "x-frame-size": `${image.sourceWidth}x${image.sourceHeight}`,
          "x-frame-dtype": image.dtype,
          "x-frame-color": COLOR_NAMES[image.colorMode] ?? String(image.colorMode),
          "x-frame-bytes": String(image.frameBytes),
          "x-preview-range": `${image.min} ${image.max}`,
          "server-timing": `render;dur=${costMs.toFixed(3)}`,
        },
      });
    });
  }
  if (stages !== undefined) {
    app.openapi(workflowRoute, async (c) => c.json({ stages: await stageStates(stages) }, 200));
  }
}
