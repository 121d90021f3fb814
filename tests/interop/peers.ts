/**
 * Python peers (p4p, pvapy) for interoperability tests: finding the interpreter, running the peer scripts in
 * `py/` with a timeout, hosting a peer server for the length of a test, and an EPICS environment that keeps
 * all traffic on loopback ports chosen per test.
 *
 * @module
 */

/** Where the peer scripts live. */
const SCRIPT_DIR = new URL("./py/", import.meta.url);
const REPO_VENV_PYTHON = new URL("../../.venv/bin/python", import.meta.url);
const INSTALL_HINT = "run `deno task peers` to install p4p and pvapy";

/**
 * The Python interpreter that has p4p and pvapy: `PVASTREAM_PYTHON`, else the repo's `.venv`, else null.
 * @example
 * ```ts
 * const python = peerPython(); // "/repo/.venv/bin/python" after `deno task peers`
 * ```
 */
export function peerPython(): string | null {
  const configured = Deno.env.get("PVASTREAM_PYTHON");
  if (configured) return configured;
  try {
    Deno.statSync(REPO_VENV_PYTHON);
    return REPO_VENV_PYTHON.pathname;
  } catch {
    return null;
  }
}

/**
 * Whether interop tests can run. Missing peers fail the run under CI (the `CI` variable is set) and otherwise
 * print how to install them and return false, for use as a test's `ignore` condition.
 * @param what names the test(s) in the printed message
 * @example
 * ```ts
 * Deno.test({ name: "get from p4p", ignore: !requirePeers("get from p4p") }, async () => {});
 * ```
 */
export function requirePeers(what = "interop tests"): boolean {
  if (peerPython() !== null) return true;
  if (Deno.env.get("CI")) throw new Error(`Python peers missing for ${what}: ${INSTALL_HINT}`);
  console.log(`%cignoring ${what}: ${INSTALL_HINT}`, "color: yellow");
  return false;
}

/** Options shared by {@link runPython} and {@link startPython}. */
export interface PeerOptions {
  /** Extra environment, usually from {@link epicsEnv}. */
  env?: Record<string, string>;
  /** Milliseconds before the process is killed (runPython) or READY is given up on (startPython). */
  timeoutMs?: number;
  /** Kills the process early when aborted (runPython). */
  signal?: AbortSignal;
  /**
   * Runs the peer as this user id inside a user namespace (`unshare --user`), so that pvxs and pvAccessCPP
   * present that id's name from /etc/passwd in their `ca` credentials (0 root, 1 daemon, 65534 nobody).
   * Files are still reached as the calling user.
   */
  uid?: number;
}

/** What a finished peer script produced. */
export interface PeerResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document per line, see {@link parsePeerJson}. */
  documents: unknown[];
}

function command(
  script: string,
  args: string[],
  { env, stdin, signal, uid }: Pick<PeerOptions, "env" | "signal" | "uid"> & { stdin: "piped" | "null" },
) {
  const python = peerPython();
  if (python === null) throw new Error(`no Python peer: ${INSTALL_HINT}`);
  const path = script.includes("/") ? script : new URL(script, SCRIPT_DIR).pathname;
  const run = uid === undefined ? { program: python, args: [path, ...args] } : {
    program: "unshare",
    args: ["--user", `--map-user=${uid}`, `--map-group=${uid}`, python, path, ...args],
  };
  return new Deno.Command(run.program, {
    args: run.args,
    env: { PYTHONUNBUFFERED: "1", ...env },
    stdin,
    stdout: "piped",
    stderr: "piped",
    signal,
  });
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact, as bigint (the peers print 64-bit values in full).
 * @example
 * ```ts
 * parsePeerJson('{"v": 18446744073709551614}'); // { v: 18446744073709551614n }
 * ```
 */
export function parsePeerJson(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) => {
    const source = context?.source;
    if (typeof value === "number" && !Number.isSafeInteger(value) && source && /^-?\d+$/.test(source)) {
      return BigInt(source);
    }
    return value;
  });
}

function documents(stdout: string): unknown[] {
  return stdout.split("\n").filter((line) => line.trim() !== "").map(parsePeerJson);
}

/**
 * Runs a peer script (a name in `tests/interop/py/` or a path) to completion; killed after `timeoutMs`.
 * A non-zero exit is returned, not thrown: clients report refused operations that way.
 * @example
 * ```ts ignore
 * const { documents } = await runPython("p4p_client.py", ["get", "pvastream:test:scalar:int32"], { env });
 * ```
 */
export async function runPython(script: string, args: string[], opts: PeerOptions = {}): Promise<PeerResult> {
  const { env, timeoutMs = 30_000, signal, uid } = opts;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const abort = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
  const child = command(script, args, { env, stdin: "null", signal: abort, uid }).spawn();
  try {
    const { code, signal: killedBy, stdout, stderr } = await child.output();
    const decoder = new TextDecoder();
    const err = decoder.decode(stderr);
    if (killedBy !== null) throw new Error(`${script} ${args.join(" ")}: killed by ${killedBy}\n${err}`);
    const out = decoder.decode(stdout);
    return { code, stdout: out, stderr: err, documents: documents(out) };
  } finally {
    clearTimeout(timer);
  }
}

/** A running peer server; close it with `await using` or `close()`. */
export interface PeerProcess extends AsyncDisposable {
  /** The JSON that followed READY (ports, prefix, PV names). */
  ready: Record<string, unknown>;
  /** Writes one command line ("burst 5") to the peer and resolves with its one-line JSON reply. */
  send(line: string): Promise<unknown>;
  /** Resolves with the peer's next line of JSON (for peers that print several per command). */
  receive(): Promise<unknown>;
  /** Kills the peer and waits for it to exit. */
  close(): Promise<void>;
  /** Everything the peer wrote to standard error (pvxs logs there), complete once it has exited. */
  stderr: Promise<string>;
}

/**
 * Splits a byte stream (a child's stdout or stderr) into text lines.
 * @example
 * ```ts ignore
 * for await (const line of lines(child.stdout)) console.log(line);
 * ```
 */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest) yield rest;
}

/**
 * Starts a long-running peer (a server) and waits until it prints `READY <json>`.
 * @example
 * ```ts ignore
 * await using server = await startPython("p4p_server.py", ["--only", "counter"], { env });
 * await server.send("burst 3");
 * ```
 */
export async function startPython(
  script: string,
  args: string[],
  opts: PeerOptions = {},
): Promise<PeerProcess> {
  const { env, timeoutMs = 30_000 } = opts;
  const child = command(script, args, { env, stdin: "piped", uid: opts.uid }).spawn();
  const stderr = new Response(child.stderr).text();
  const stdout = lines(child.stdout);
  const stdin = child.stdin.getWriter();
  const close = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
    await child.status;
    await stdin.close().catch(() => {});
    await stdout.return(undefined);
    await stderr;
  };
  const next = async (what: string): Promise<string> => {
    const { value, done } = await stdout.next();
    if (done) throw new Error(`${script} exited before ${what}:\n${await stderr}`);
    return value;
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${script}: no READY within ${timeoutMs} ms`)), timeoutMs);
  });
  const readyLine = (async () => {
    for (;;) {
      const line = await next("READY");
      if (line.startsWith("READY ")) return line;
    }
  })();
  readyLine.catch(() => {}); // when the timeout wins, closing the peer rejects this one too
  try {
    const line = await Promise.race([readyLine, timeout]);
    const ready = parsePeerJson(line.slice("READY ".length)) as Record<string, unknown>;
    return {
      ready,
      async send(line: string) {
        await stdin.write(new TextEncoder().encode(line + "\n"));
        return parsePeerJson(await next(`replying to ${line}`));
      },
      async receive() {
        return parsePeerJson(await next("its next line"));
      },
      close,
      stderr,
      [Symbol.asyncDispose]: close,
    };
  } catch (e) {
    await close();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** A TCP port and a UDP port that were free on 127.0.0.1 a moment ago. */
export interface LoopbackPorts {
  tcp: number;
  udp: number;
}

/**
 * Picks free loopback ports by binding port 0 and closing again.
 * @example
 * ```ts
 * const env = epicsEnv(freePorts());
 * ```
 */
export function freePorts(): LoopbackPorts {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
  const ports = { tcp: listener.addr.port, udp: (socket.addr as Deno.NetAddr).port };
  listener.close();
  socket.close();
  return ports;
}

/**
 * EPICS variables that keep servers and clients on loopback: the server listens on `tcp`, searches go to
 * 127.0.0.1:`udp`, beacons stay local. Pass the same result to the peer server and its clients.
 * @example
 * ```ts
 * epicsEnv({ tcp: 40001, udp: 40002 }).EPICS_PVA_ADDR_LIST; // "127.0.0.1"
 * ```
 */
export function epicsEnv({ tcp, udp }: LoopbackPorts): Record<string, string> {
  return {
    EPICS_PVA_ADDR_LIST: "127.0.0.1",
    EPICS_PVA_AUTO_ADDR_LIST: "NO",
    EPICS_PVA_SERVER_PORT: String(tcp),
    EPICS_PVA_BROADCAST_PORT: String(udp),
    EPICS_PVAS_INTF_ADDR_LIST: "127.0.0.1",
    EPICS_PVAS_BEACON_ADDR_LIST: "127.0.0.1",
    EPICS_PVAS_AUTO_BEACON_ADDR_LIST: "NO",
    EPICS_PVAS_SERVER_PORT: String(tcp),
    EPICS_PVAS_BROADCAST_PORT: String(udp),
  };
}
