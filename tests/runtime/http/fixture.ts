/**
 * What the HTTP API tests share: a status feed over real accounting and a recording target, served on a
 * free loopback port.
 *
 * @module
 */
import { FrameAccounting, StatsReporter } from "../../../runtime/stats/mod.ts";
import { type ConsumerStatus, ConsumerStatusBuilder, StatusFeed } from "../../../runtime/status/mod.ts";
import { type HttpHandle, serveHttp, type ServeHttpOptions } from "../../../runtime/http/mod.ts";
import { RecordingTarget } from "../control/recording_target.ts";

/** A served API with the objects behind it; dispose to stop it. */
export interface ServedApi extends AsyncDisposable {
  http: HttpHandle;
  feed: StatusFeed<ConsumerStatus>;
  target: RecordingTarget;
  /** `path` resolved against the API's URL. */
  url(path: string): string;
}

/**
 * Serves the API for consumer 4 on 127.0.0.1, port 0, with `options` on top; the feed refreshes every
 * `reportPeriod` seconds once started.
 */
export async function serveApi(
  options: Partial<ServeHttpOptions> = {},
  { reportPeriod = 0 } = {},
): Promise<ServedApi> {
  const accounting = new FrameAccounting();
  accounting.received(1);
  const reporter = new StatsReporter();
  const builder = new ConsumerStatusBuilder({ consumerId: 4, inputChannel: "sim:image" });
  const feed = new StatusFeed({
    build: () => builder.build(reporter.report(accounting.snapshot())),
    reportPeriod,
  });
  const target = new RecordingTarget(() => feed.refresh());
  const http = await serveHttp({ port: 0, target, status: feed, ...options });
  return {
    http,
    feed,
    target,
    url: (path) => new URL(path, http.url).href,
    [Symbol.asyncDispose]: () => http.close(),
  };
}
