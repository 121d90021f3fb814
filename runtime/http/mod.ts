/**
 * The HTTP control API: a Hono app over a {@link ControlTarget} and a status provider (GET /api/status,
 * /api/health, /api/events, /api/openapi.json; POST /api/configure, /api/reset-stats, /api/stop), serving
 * it, the web dashboard at `/` (docs/dashboard.md), and the scripts' shared `--http-*` options.
 * docs/http-api.md describes the routes.
 *
 * @example The API of any control target, answered without a socket
 * ```ts
 * import { createControlApp } from "./mod.ts";
 * import { ConsumerStatusBuilder, StatusFeed } from "../status/mod.ts";
 * import { FrameAccounting, StatsReporter } from "../stats/mod.ts";
 * const accounting = new FrameAccounting();
 * const reporter = new StatsReporter();
 * const builder = new ConsumerStatusBuilder({ consumerId: 1, inputChannel: "pv:image" });
 * const status = new StatusFeed({ build: () => builder.build(reporter.report(accounting.snapshot())) });
 * const target = { configure() {}, resetStats() {}, getStats() {}, stop() {} };
 * const app = createControlApp({ target, status });
 * const res = await app.fetch(new Request("http://localhost/api/status"));
 * (await res.json()).consumerId; // 1
 * ```
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
