/**
 * The client subcommands of `pva` (get, put, monitor, info, rpc, list): each runs one parsed
 * command line against a {@link PvaClient}, prints through an {@link Output}, and returns
 * the exit status (0 success, 1 when an operation failed).
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import { PvaClient } from "../../protocol/pva/client/mod.ts";
import { processEnv, type PvaConfig } from "../../protocol/pva/config.ts";
import { changedLeaves } from "../../protocol/pvdata/partial.ts";
import type { FieldDesc, Typed, Value } from "../../protocol/pvdata/types.ts";
import type { CommandLine, CommandName } from "./args.ts";
import { pingServers } from "./discover.ts";
import { environmentReport, formatEnvironmentReport } from "./env_report.ts";
import { formatType, formatValue } from "./format.ts";
import { toJson } from "./json.ts";
import { rpcArgument } from "./nturi.ts";
import { putInput } from "./put_args.ts";

/** Where a command prints. */
export interface Output {
  /** Prints a result line (stdout). */
  out(line: string): void;
  /** Prints a problem (stderr). */
  err(line: string): void;
}

/** A command line of a client subcommand. */
export type ClientCommand = CommandLine & { command: Exclude<CommandName, "serve"> };

/** What a client subcommand runs with besides its command line. */
export interface ClientSetting {
  /** Network settings. */
  config: PvaConfig;
  /** Where results and problems are printed. */
  io: Output;
  /** Ends a monitor (Ctrl-C); other commands end by themselves. */
  stop?: AbortSignal;
  /** Where the client logs (refused channels, server messages); default the library's. */
  logger?: Logger;
}

/** One value as output: a JSON line or the readable lines. */
function printValue(io: Output, json: boolean, name: string, t: FieldDesc, v: Value, extra = {}): void {
  if (json) io.out(JSON.stringify({ name, value: toJson(t, v), ...extra }));
  else for (const line of formatValue(name, t, v)) io.out(line);
}

/** Runs `op` for every name at once, prints the results in order, and fails if any failed. */
async function forEachName<T>(
  names: string[],
  io: Output,
  op: (name: string) => Promise<T>,
  print: (name: string, result: T) => void,
): Promise<number> {
  const results = await Promise.allSettled(names.map(op));
  let status = 0;
  results.forEach((r, i) => {
    if (r.status === "fulfilled") print(names[i], r.value);
    else {
      io.err(`${names[i]}: ${r.reason instanceof Error ? r.reason.message : r.reason}`);
      status = 1;
    }
  });
  return status;
}

async function monitor(client: PvaClient, c: ClientCommand, io: Output, stop: AbortSignal): Promise<number> {
  const ended = new AbortController();
  const signal = AbortSignal.any([stop, ended.signal]);
  let left = c.count ?? Infinity;
  let status = 0;
  await Promise.all(c.args.map(async (name) => {
    const sub = client.monitor(name, { request: c.request, signal });
    let lost = false;
    try {
      for await (const ev of sub) {
        if (ev.kind === "disconnected") io.err(`${name}: disconnected (${ev.reason})`);
        if (ev.kind === "connected" && lost) io.err(`${name}: reconnected`);
        if (ev.kind !== "data") lost = ev.kind === "disconnected";
        if (ev.kind !== "data" || left <= 0) continue;
        const changed = changedLeaves(ev.type, ev.changed);
        printValue(io, c.json, name, ev.type, ev.value, { changed });
        if (--left === 0) ended.abort();
      }
    } catch (e) {
      if (signal.aborted) return;
      io.err(`${name}: ${(e as Error).message}`);
      status = 1;
    } finally {
      sub.close();
    }
  }));
  return status;
}

/**
 * Runs a client subcommand with a client of its own (`list` needs none), and closes the
 * client's connections in order before returning.
 * @param c the parsed command line
 * @param setting network settings, output, stop signal and logger
 * @throws {InputError} when the put value or RPC arguments cannot be understood (before any I/O)
 * @example
 * ```ts ignore
 * const status = await runClientCommand(parsed, { config: configFromEnv(), io: { out: console.log, err: console.error } });
 * ```
 */
export async function runClientCommand(c: ClientCommand, setting: ClientSetting): Promise<number> {
  const { config, io, stop = new AbortController().signal, logger } = setting;
  if (c.command === "list" && c.env) {
    const report = environmentReport(processEnv());
    if (c.json) io.out(JSON.stringify(report));
    else formatEnvironmentReport(report).forEach((line) => io.out(line));
    return 0;
  }
  if (c.command === "list") {
    for (const s of await pingServers(config, c.timeoutMs)) {
      io.out(c.json ? JSON.stringify(s) : `${s.guid} ${s.host}:${s.port}`);
    }
    return 0;
  }
  const [name, ...words] = c.args;
  const input = c.command === "put" ? putInput(words) : undefined;
  const arg = c.command === "rpc" ? rpcArgument(name, words) : undefined;
  const client = new PvaClient({ config, logger });
  try {
    return await run(client, c, io, stop, input, arg);
  } finally {
    await client.close();
  }
}

function run(
  client: PvaClient,
  c: ClientCommand,
  io: Output,
  stop: AbortSignal,
  input: unknown,
  arg: Typed<Value> | undefined,
): Promise<number> {
  const timeout = c.timeoutMs;
  switch (c.command) {
    case "get":
      return forEachName(
        c.args,
        io,
        (name) => client.get(name, { request: c.request, timeout }),
        (name, r) => printValue(io, c.json, name, r.type, r.value),
      );
    case "info":
      return forEachName(c.args, io, (name) => client.info(name, { timeout }), (name, t) => {
        if (c.json) io.out(JSON.stringify({ name, type: t }));
        else for (const line of [name, ...formatType(t, "", "    ")]) io.out(line);
      });
    case "put":
      return forEachName(
        c.args.slice(0, 1),
        io,
        (n) => client.put(n, input, { request: c.request, timeout }),
        () => {},
      );
    case "rpc":
      return forEachName(
        c.args.slice(0, 1),
        io,
        (n) => client.rpc(n, arg!, { timeout }),
        (n, r) => printValue(io, c.json, n, r.type, r.value),
      );
    default:
      return monitor(client, c, io, stop);
  }
}
