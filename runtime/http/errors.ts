/**
 * The one shape of every error the HTTP API returns: `{ "error": "<what went wrong>" }` with a 4xx or 5xx
 * status. Messages name the problem; they never carry a stack trace or internal detail.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Schema of an error body. */
export const errorSchema: z.ZodType<ErrorBody> = z.object({
  error: z.string().describe("What went wrong, naming the offending field or limit"),
}).openapi("Error");

/** An error body. */
export interface ErrorBody {
  /** What went wrong. */
  error: string;
}

/** A JSON error response. */
export function errorResponse(c: Context, status: ContentfulStatusCode, error: string): Response {
  return c.json({ error } satisfies ErrorBody, status);
}
