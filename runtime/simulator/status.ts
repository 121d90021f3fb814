/**
 * What a running simulator serves besides its frames: a status PV of what it published
 * (refreshed every second) and the HTTP control API, where `stop` ends publishing (the
 * shutdown delay still follows) and `get_stats` refreshes the status.
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import { readNTNDArray } from "../../protocol/nt/mod.ts";
import type { PreviewSource } from "../preview/mod.ts";
import type { ControlTarget } from "../control/mod.ts";
import { type HttpHandle, serveHttp } from "../http/mod.ts";
import { type SimulatorStatus, SimulatorStatusBuilder, StatusFeed, StatusPV } from "../status/mod.ts";
import type { SimulatorToolOptions } from "./args.ts";
import type { Simulator } from "./simulator.ts";

/** The status PV and HTTP API of one simulator; close them when it is done. */
export interface SimulatorServices {
  /** The HTTP API's address, when it is served. */
  readonly httpUrl?: URL;
  /** The status feed (what the status PV and GET /api/status show). */
  readonly feed: StatusFeed<SimulatorStatus>;
  /** Stops serving them. */
  close(): Promise<void>;
}

/**
 * Serves `sim`'s status PV (on its own server) and HTTP API as `tool` asks; call after
 * `sim.start()`.
 */
export async function serveSimulatorStatus(
  sim: Simulator,
  tool: SimulatorToolOptions,
  logger: Logger,
): Promise<SimulatorServices> {
  const builder = new SimulatorStatusBuilder();
  const feed = new StatusFeed({ build: () => builder.build(sim.stats()), reportPeriod: 1, logger });
  feed.start();
  const status = tool.statusChannel ? new StatusPV(builder.type, feed) : undefined;
  if (status) sim.server.addPV(tool.statusChannel!, status.pv);
  const target: ControlTarget = {
    configure() {
      throw new Error("the simulator takes no runtime configuration");
    },
    resetStats() {
      throw new Error("the simulator's counts cover its whole run and cannot be reset");
    },
    getStats: () => void feed.refresh(),
    stop: () => sim.stopPublishing(),
  };
  // The frame being served now: the preview renders it at most twice a second.
  const preview: PreviewSource = {
    latest() {
      if (!sim.pv.isOpen) return undefined;
      const frame = readNTNDArray(sim.pv.value);
      if (frame.data.length === 0) return undefined;
      return {
        data: frame.data,
        shape: frame.dims,
        colorMode: Number(frame.attributes.get("ColorMode") ?? 0),
      };
    },
  };
  let http: HttpHandle | undefined;
  if (tool.httpPort !== undefined) {
    http = await serveHttp({
      host: tool.httpHost ?? "127.0.0.1",
      port: Number(tool.httpPort),
      tokenFile: tool.httpTokenFile,
      target,
      status: feed,
      preview,
      logger,
      title: "ad-sim-server",
    });
  }
  return {
    httpUrl: http?.url,
    feed,
    async close() {
      feed.stop();
      if (status) {
        status.close();
        sim.server.removePV(tool.statusChannel!);
      }
      await http?.close();
    },
  };
}
