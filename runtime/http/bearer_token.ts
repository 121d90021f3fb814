/**
 * Bearer-token checks for the POST routes: the token comes from a file (never the command line, where
 * `ps` shows it) and is compared in constant time, so response timing does not reveal how much of a guess
 * was right.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./errors.ts";

/** The hosts that count as this machine only; binding anywhere else needs a token. */
export const LOOPBACK_HOSTS: readonly string[] = ["127.0.0.1", "::1", "localhost"];

/** Whether the API bound to `host` is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.includes(host.replace(/^\[(.*)\]$/, "$1"));
}

/**
 * Reads a token file: its content without surrounding white space, at least 16 characters.
 * @throws {Error} naming the file when it cannot be read or holds too short a token
 */
export async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`cannot read the HTTP token file ${path}: ${(e as Error).message}`);
  }
  const token = text.trim();
  if (token.length < 16) throw new Error(`the HTTP token in ${path} is shorter than 16 characters`);
  return token;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * True when `given` equals `expected`, taking the same time wherever they differ: both are hashed first
 * so that even their lengths are compared without an early exit.
 */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Middleware that refuses requests without `Authorization: Bearer <token>` (401 JSON).
 * @example
 * ```ts ignore
 * app.use("/api/stop", requireBearerToken("a-long-random-token-from-a-file"));
 * ```
 */
export function requireBearerToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      c.header("WWW-Authenticate", 'Bearer realm="pvastream"');
      return errorResponse(c, 401, "this route needs an Authorization: Bearer token");
    }
    if (!(await tokensEqual(match[1], token))) return errorResponse(c, 401, "the bearer token is not valid");
    await next();
  };
}
