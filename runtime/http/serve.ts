/**
 * Serving the control API with Deno.serve: 127.0.0.1 by default, port 0 for a free one, and a bearer
 * token required (from a file) whenever the address is not loopback.
 *
 * @module
 */
import { type ControlAppOptions, createControlApp } from "./app.ts";
import { isLoopbackHost, readTokenFile } from "./bearer_token.ts";

/** Options of {@link serveHttp}. */
export interface ServeHttpOptions extends Omit<ControlAppOptions, "token" | "signal"> {
  /** Address to bind (127.0.0.1). Any other than 127.0.0.1, ::1 or localhost needs `tokenFile`. */
  host?: string;
  /** TCP port; 0 picks a free one (see {@link HttpHandle.url}). */
  port: number;
  /** File holding the bearer token the POST routes then require (optional on loopback). */
  tokenFile?: string;
}

/** A running HTTP API. */
export interface HttpHandle extends AsyncDisposable {
  /** Where it listens, e.g. `http://127.0.0.1:40123/`. */
  url: URL;
  /** Ends event streams and stops listening; resolves once the server is down. */
  close(): Promise<void>;
}

/**
 * Starts the API.
 * @throws {Error} when a non-loopback address is asked for without a token file, or the token file is unusable
 * @example
 * ```ts ignore
 * const http = await serveHttp({ port: 0, target: consumer, status: feed });
 * console.log(new URL("/api/status", http.url).href);
 * await http.close();
 * ```
 */
export async function serveHttp(
  { host = "127.0.0.1", port, tokenFile, ...app }: ServeHttpOptions,
): Promise<HttpHandle> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`HTTP port ${port} is not 0..65535`);
  }
  if (tokenFile === undefined && !isLoopbackHost(host)) {
    throw new Error(
      `serving the HTTP API on ${host} (beyond loopback) needs a token file (--http-token-file)`,
    );
  }
  const token = tokenFile === undefined ? undefined : await readTokenFile(tokenFile);
  const closing = new AbortController();
  const handler = createControlApp({ ...app, token, signal: closing.signal });
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: host,
    port,
    // Deno.serve prints its address by default; the library never writes to the console.
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, handler.fetch);
  const addr = await listening.promise;
  const hostPart = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const close = async () => {
    closing.abort();
    await server.shutdown();
  };
  return { url: new URL(`http://${hostPart}:${addr.port}/`), close, [Symbol.asyncDispose]: close };
}
