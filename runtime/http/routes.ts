/**
 * The HTTP API's routes as OpenAPI route definitions: the same zod schemas validate requests and write
 * the OpenAPI document, so the two cannot disagree.
 *
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { configureArgsSchema } from "../control/configure_args.ts";
import { errorSchema } from "./errors.ts";

/** A status document: the status PV's content (see runtime/status); members depend on the object. */
export const statusSchema = z.looseObject({
  objectId: z.number().int().describe("Counts status updates"),
  objectTime: z.number().describe("Seconds since the epoch of this update"),
  objectTimestamp: z.object({
    secondsPastEpoch: z.number().int(),
    nanoseconds: z.number().int(),
    userTag: z.number().int(),
  }),
}).openapi("Status", {
  description:
    "The status PV's content: consumerId/collectorId, statistics groups with PvaPy's names, userStats, gpuAdapter (processors granted gpu)",
});

/** Health answer. */
export const healthSchema = z.object({
  status: z.literal("ok"),
  uptimeSeconds: z.number().describe("Seconds since the API started"),
  statusAgeSeconds: z.number().describe("Seconds since the status was last refreshed"),
}).openapi("Health");

/** Outcome of a command. */
export const commandResultSchema = z.object({
  ok: z.literal(true),
  statusMessage: z.string().describe("PvaPy's status message, e.g. 'Configuration successful'"),
}).openapi("CommandResult");

const json = <S extends z.ZodType>(schema: S, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

const AUTH = [{ bearerAuth: [] }];
const postErrors = {
  401: json(errorSchema, "Missing or wrong bearer token (when the API is bound beyond loopback)"),
  408: json(errorSchema, "The request body did not arrive in time"),
  413: json(errorSchema, "The request body is too large"),
  500: json(errorSchema, "The target failed"),
};

/** GET /api/status */
export const statusRoute = createRoute({
  method: "get",
  path: "/api/status",
  summary: "The current status (the status PV's content)",
  responses: { 200: json(statusSchema, "The latest status") },
});

/** GET /api/health */
export const healthRoute = createRoute({
  method: "get",
  path: "/api/health",
  summary: "Liveness",
  responses: { 200: json(healthSchema, "The API answers") },
});

/** POST /api/configure */
export const configureRoute = createRoute({
  method: "post",
  path: "/api/configure",
  summary: "Runtime configuration (the control PV's configure command)",
  security: AUTH,
  request: { body: { required: true, ...json(configureArgsSchema, "Runtime keys and processor arguments") } },
  responses: {
    200: json(commandResultSchema, "Configuration successful"),
    400: json(errorSchema, "The body is not JSON or a runtime key is invalid"),
    415: json(errorSchema, "The body is not application/json"),
    422: json(errorSchema, "The target refused the configuration"),
    ...postErrors,
  },
});

/** POST /api/reset-stats */
export const resetStatsRoute = createRoute({
  method: "post",
  path: "/api/reset-stats",
  summary: "Zero the statistics (reset_stats)",
  security: AUTH,
  responses: { 200: json(commandResultSchema, "Stats reset successful"), ...postErrors },
});

/** POST /api/get-stats */
export const getStatsRoute = createRoute({
  method: "post",
  path: "/api/get-stats",
  summary: "Refresh the status now (get_stats); GET /api/status then reads the fresh one",
  security: AUTH,
  responses: { 200: json(commandResultSchema, "Stats update successful"), ...postErrors },
});

/** POST /api/stop */
export const stopRoute = createRoute({
  method: "post",
  path: "/api/stop",
  summary: "Set the stop flag (stop)",
  security: AUTH,
  responses: { 200: json(commandResultSchema, "Stop flag set"), ...postErrors },
});

/** GET /api/events */
export const eventsRoute = createRoute({
  method: "get",
  path: "/api/events",
  summary: "Server-Sent Events: the current status, then each new one (every report period, on get_stats)",
  responses: {
    200: {
      description: "`event: status` messages whose data is a Status document (JSON)",
      content: { "text/event-stream": { schema: z.string() } },
    },
  },
});

/** GET /api/openapi.json */
export const openApiRoute = createRoute({
  method: "get",
  path: "/api/openapi.json",
  summary: "This document",
  responses: { 200: json(z.looseObject({ openapi: z.string() }), "OpenAPI 3.1") },
});
