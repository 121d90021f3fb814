/**
 * `consumer`: receives frames, runs a sandboxed processor on each and publishes the results,
 * with the options, status and control channels of PvaPy's `pvapy-hpc-consumer`.
 *
 * ```sh
 * deno task consumer --input-channel pvapy:image --status-channel _ --control-channel _ --report-period 5
 * deno task consumer --help
 * ```
 * Exit status: 0 after a stop, the end of `--runtime` or Ctrl-C; 1 when it failed; 2 for a wrong
 * command line.
 *
 * @module
 */
import { consumerMain } from "../runtime/consumer/main.ts";

if (import.meta.main) Deno.exit(await consumerMain(Deno.args));
