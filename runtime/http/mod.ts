/**
 * The HTTP control API: a Hono app over a {@link ControlTarget} and a status provider (GET /api/status,
 * /api/health, /api/events, /api/openapi.json; POST /api/configure, /api/reset-stats, /api/stop), serving
 * it, the web dashboard at `/` (docs/dashboard.md), and the scripts' shared `--http-*` options.
 * docs/http-api.md describes the routes.
 *
 * @module
 */
export { type ControlApp, type ControlAppOptions, createControlApp } from "./app.ts";
export { type HttpHandle, serveHttp, type ServeHttpOptions } from "./serve.ts";
export {
  HTTP_ARG_HELP,
  HTTP_ARG_OPTIONS,
  type HttpArgOptions,
  type HttpArgValues,
  type HttpSettings,
  httpSettings,
} from "./cli_options.ts";
export { isLoopbackHost, LOOPBACK_HOSTS, tokensEqual } from "./bearer_token.ts";
export type { ErrorBody } from "./errors.ts";
export { type StageLink, type StageState } from "./dashboard/mod.ts";
