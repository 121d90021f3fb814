/**
 * The HTTP control API as a Hono app, built from a {@link ControlTarget} and a {@link StatusProvider} so
 * that the simulator, the consumer and the collector all mount the same API. Serving it is
 * `serve.ts`'s job; this module only answers requests.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { type Logger, silentLogger } from "../../protocol/log.ts";
import { configureTarget, runCommand } from "../control/commands.ts";
import { describeIssues } from "../control/configure_args.ts";
import type { ControlTarget } from "../control/control_target.ts";
import type { StatusProvider } from "../status/status_feed.ts";
import { FramePreview, type PreviewSource } from "../preview/mod.ts";
import { checkStages, type StageLink } from "./dashboard/mod.ts";
import { mountDashboard } from "./dashboard/routes.ts";
import { requireBearerToken } from "./bearer_token.ts";
import { errorResponse } from "./errors.ts";
import { statusEvents } from "./events.ts";
import { limitRequestBody } from "./request_body.ts";
import {
  configureRoute,
  eventsRoute,
  getStatsRoute,
  healthRoute,
  openApiRoute,
  resetStatsRoute,
  statusRoute,
  stopRoute,
} from "./routes.ts";

/** Options of {@link createControlApp}. */
export interface ControlAppOptions {
  /** What the POST routes act on. */
  target: ControlTarget;
  /** Where GET /api/status and /api/events read the status. */
  status: StatusProvider;
  /** When set, the POST routes need `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body, in bytes (64 KiB). */
  maxBodyBytes?: number;
  /** Milliseconds a request body may take to arrive (5000). */
  bodyTimeoutMs?: number;
  /** Origins allowed to call the API from a browser; CORS stays off without them. */
  corsOrigins?: readonly string[];
  /** Ends open event streams (the server is closing). */
  signal?: AbortSignal;
  /** Told about unexpected failures (answered as a bare 500). */
  logger?: Logger;
  /** `info.title` of the OpenAPI document. */
  title?: string;
  /** The latest frame, for the dashboard's preview (GET /api/preview.png, rendered at most twice a second). */
  preview?: PreviewSource;
  /** The pipeline's stages: `/` is then the workflow page, and GET /api/workflow their statuses. */
  stages?: readonly StageLink[];
}

/** The app: a fetch handler (for Deno.serve or tests) and its routes. */
export interface ControlApp {
  /** Answers one request. */
  fetch(request: Request): Response | Promise<Response>;
  /** The registered routes (middleware included, as method "ALL"). */
  readonly routes: readonly { method: string; path: string }[];
}

const POST_ROUTES = ["/api/configure", "/api/reset-stats", "/api/get-stats", "/api/stop"];

/**
 * Builds the app.
 * @throws {RangeError} when two stages share a name or a stage's URL is not http(s)
 * @example
 * ```ts ignore
 * const app = createControlApp({ target: consumer, status: feed });
 * const res = await app.fetch(new Request("http://localhost/api/status"));
 * ```
 */
export function createControlApp({
  target,
  status,
  token,
  maxBodyBytes = 64 * 1024,
  bodyTimeoutMs = 5000,
  corsOrigins = [],
  signal = new AbortController().signal,
  logger = silentLogger,
  title = "pvastream control API",
  preview,
  stages,
}: ControlAppOptions): ControlApp {
  if (stages !== undefined) checkStages(stages);
  const started = performance.now();
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return errorResponse(c, 400, describeIssues(result.error));
    },
  });

  app.onError((err, c) => {
    if (err instanceof HTTPException) return errorResponse(c, err.status, err.message);
    logger.error("HTTP handler failed", { path: c.req.path, error: String(err) });
    return errorResponse(c, 500, "internal error");
  });
  app.notFound((c) => errorResponse(c, 404, `no route ${c.req.method} ${c.req.path}`));
  if (corsOrigins.length > 0) app.use("/api/*", cors({ origin: [...corsOrigins] }));
  app.use("/api/*", limitRequestBody({ maxBytes: maxBodyBytes, timeoutMs: bodyTimeoutMs }));
  if (token !== undefined) { for (const path of POST_ROUTES) app.use(path, requireBearerToken(token)); }
  app.use("/api/configure", async (c, next) => {
    if (c.req.method === "POST" && !/^application\/(.+\+)?json\b/i.test(c.req.header("content-type") ?? "")) {
      return errorResponse(c, 415, "the body must be application/json");
    }
    await next();
  });

  app.openapi(statusRoute, (c) => c.json(status.current(), 200));
  app.openapi(healthRoute, (c) =>
    c.json({
      status: "ok" as const,
      uptimeSeconds: (performance.now() - started) / 1000,
      statusAgeSeconds: Math.max(0, Date.now() / 1000 - status.current().objectTime),
    }, 200));
  app.openapi(configureRoute, async (c) => {
    const result = await configureTarget(target, c.req.valid("json"));
    if (!result.ok) return c.json({ error: result.statusMessage }, 422);
    return c.json({ ok: true as const, statusMessage: result.statusMessage }, 200);
  });
  app.openapi(resetStatsRoute, async (c) => {
    const { ok, statusMessage } = await runCommand(target, "reset_stats", "");
    return ok ? c.json({ ok, statusMessage }, 200) : c.json({ error: statusMessage }, 500);
  });
  app.openapi(getStatsRoute, async (c) => {
    const { ok, statusMessage } = await runCommand(target, "get_stats", "");
    return ok ? c.json({ ok, statusMessage }, 200) : c.json({ error: statusMessage }, 500);
  });
  app.openapi(stopRoute, async (c) => {
    const { ok, statusMessage } = await runCommand(target, "stop", "");
    return ok ? c.json({ ok, statusMessage }, 200) : c.json({ error: statusMessage }, 500);
  });
  app.openapi(eventsRoute, (c) => statusEvents(c, status, signal));
  mountDashboard(app, { preview: preview && new FramePreview({ source: preview }), stages });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  app.openapi(
    openApiRoute,
    (c) => c.json(app.getOpenAPI31Document({ openapi: "3.1.0", info: { title, version: "1" } }), 200),
  );
  return app;
}
