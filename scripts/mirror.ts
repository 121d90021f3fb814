/**
 * `mirror`: re-serves remote channels on a local pvAccess server, with the options of PvaPy's
 * `pvapy-mirror-server` (see `--help` and docs/mirror.md).
 *
 * ```sh
 * deno task mirror -cm "(mirror:image,sim:image),(mirror:t,ioc:t,ca)" -rp 5 --http-port 8080
 * ```
 * Ctrl-C (or SIGTERM) stops it, as does POST /api/stop. Exit status: 0 done, 2 bad command line.
 * The network settings come from the EPICS_PVA* and EPICS_CA* environment variables.
 *
 * @module
 */
import { caConfigFromEnv, configFromEnv, serveHttp, StatusFeed } from "../mod.ts";
import { UsageError } from "../runtime/cli/args.ts";
import type { ControlTarget } from "../runtime/control/mod.ts";
import { onStopSignals } from "../runtime/cli/signals.ts";
import { MirrorServer, parseMirrorArgs } from "../runtime/mirror/mod.ts";
import { toolLogger } from "../runtime/cli/log_options.ts";

async function main(argv: string[]): Promise<number> {
  let inv;
  try {
    inv = parseMirrorArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message} (see --help)`);
    return 2;
  }
  if ("help" in inv) {
    console.log(inv.help);
    return 0;
  }
  const mirror = new MirrorServer({
    channels: inv.channels,
    runtime: inv.runtime,
    reportPeriod: inv.reportPeriod,
    config: configFromEnv(),
    caConfig: caConfigFromEnv(),
    logger: await toolLogger("mirror", inv),
    report: (line) => console.log(line),
  });
  const unlisten = onStopSignals(() => void mirror.stop());
  await mirror.start();
  for (const e of inv.channels) {
    console.log(
      `Adding mirror channel ${e.mirror} using source ${e.source} (provider: ${e.provider}; ` +
        `queue size: ${e.queueSize}; monitors: ${e.nMonitors}; field request: ${e.fieldRequest})`,
    );
  }
  const feed = new StatusFeed({ build: () => mirror.status(), reportPeriod: inv.reportPeriod });
  // get_stats reports and refreshes the status the HTTP API shows.
  const target: ControlTarget = {
    configure: () => mirror.configure(),
    resetStats: () => mirror.resetStats(),
    getStats: () => {
      mirror.getStats();
      feed.refresh();
    },
    stop: () => mirror.stop(),
  };
  const http = inv.http && await serveHttp({ ...inv.http, target, status: feed, title: "pvastream mirror" });
  if (http) {
    feed.start();
    console.log(`HTTP API on ${http.url}`);
  }
  console.log(`Started mirror server on TCP port ${mirror.server.tcpPort}`);
  await mirror.finished;
  feed.stop();
  await http?.close();
  unlisten();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
