/**
 * The HTTP options the runtime's scripts share (`--http-port`, `--http-host`, `--http-token-file`) as a
 * `node:util` parseArgs fragment, and their validation. Without `--http-port` there is no HTTP API.
 *
 * @module
 */
import { isLoopbackHost } from "./bearer_token.ts";

/** The shape of {@link HTTP_ARG_OPTIONS}: three string options. */
export type HttpArgOptions = {
  readonly [name in "http-port" | "http-host" | "http-token-file"]: { readonly type: "string" };
};

/** The parseArgs option fragment; merge it into a script's own options. */
export const HTTP_ARG_OPTIONS: HttpArgOptions = {
  "http-port": { type: "string" },
  "http-host": { type: "string" },
  "http-token-file": { type: "string" },
} as const;

/** The values parseArgs returns for {@link HTTP_ARG_OPTIONS}. */
export interface HttpArgValues {
  /** `--http-port` */
  "http-port"?: string;
  /** `--http-host` */
  "http-host"?: string;
  /** `--http-token-file` */
  "http-token-file"?: string;
}

/** Validated HTTP settings, ready for `serveHttp`. */
export interface HttpSettings {
  /** Address to bind. */
  host: string;
  /** Port (0 = a free one). */
  port: number;
  /** Bearer token file, if any. */
  tokenFile?: string;
}

/** Help lines for the options, in the style of the scripts' usage text. */
export const HTTP_ARG_HELP: string = [
  "  --http-port N          serve the HTTP control API on port N (0 = any free port); off by default",
  "  --http-host ADDR       address of the HTTP API (127.0.0.1); beyond loopback needs --http-token-file",
  "  --http-token-file F    file holding the bearer token the POST routes require",
].join("\n");

/**
 * Checks the values: null when `--http-port` is absent (and then the other two must be absent too).
 * @throws {RangeError} naming the option that is wrong
 * @example
 * ```ts
 * import { httpSettings } from "./cli_options.ts";
 * httpSettings({ "http-port": "0" }); // { host: "127.0.0.1", port: 0 }
 * ```
 */
export function httpSettings(values: HttpArgValues): HttpSettings | null {
  const { "http-port": portText, "http-host": host = "127.0.0.1", "http-token-file": tokenFile } = values;
  if (portText === undefined) {
    const stray = values["http-host"] !== undefined
      ? "--http-host"
      : tokenFile !== undefined
      ? "--http-token-file"
      : "";
    if (stray) throw new RangeError(`${stray} needs --http-port`);
    return null;
  }
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    throw new RangeError(`--http-port must be an integer 0..65535, not "${portText}"`);
  }
  if (host.trim() === "") throw new RangeError("--http-host must not be empty");
  if (tokenFile === undefined && !isLoopbackHost(host)) {
    throw new RangeError(`--http-host ${host} is beyond loopback: give --http-token-file`);
  }
  return tokenFile === undefined
    ? { host, port: Number(portText) }
    : { host, port: Number(portText), tokenFile };
}
