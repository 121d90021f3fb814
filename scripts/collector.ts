/**
 * `collector`: receives frames from several producers, puts them in order by object id, runs a
 * sandboxed processor on each and publishes the results, with the options, status and control channels
 * of PvaPy's `pvapy-hpc-collector`.
 *
 * ```sh
 * deno task collector --input-channel 'pvapy:consumer:*:output' --producer-id-list 1,2 --status-channel _
 * deno task collector --help
 * ```
 * Exit status: 0 after a stop, the end of `--runtime` or Ctrl-C; 1 when it failed; 2 for a wrong
 * command line.
 *
 * @module
 */
import { collectorMain } from "../runtime/collector/main.ts";

if (import.meta.main) Deno.exit(await collectorMain(Deno.args));
