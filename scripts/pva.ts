/**
 * `pva`: command-line pvAccess tools in the manner of pvxs's pvxget, pvxput, pvxmonitor,
 * pvxinfo, pvxcall and pvxlist, plus `serve` (PVs from a YAML file).
 *
 * ```sh
 * deno run -A scripts/pva.ts get pv:temperature
 * deno run -A scripts/pva.ts monitor -n 3 --json pv:image
 * deno run -A scripts/pva.ts serve pvs.yaml
 * ```
 * Exit status: 0 success, 1 an operation failed, 2 the command line is wrong. The network
 * settings come from the EPICS_PVA* environment variables.
 *
 * @module
 */
import { createLogger } from "../protocol/log.ts";
import { configFromEnv } from "../protocol/pva/config.ts";
import { parseCommandLine, UsageError } from "./lib/args.ts";
import { type Output, runClientCommand } from "./lib/client_commands.ts";
import { InputError } from "./lib/coerce.ts";
import { serveFile } from "./lib/serve.ts";
import { parsePvFile } from "./lib/yaml_pvs.ts";
import { onStopSignals } from "../runtime/cli/signals.ts";

const io: Output = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** Aborts on the first stop signal. */
function stopSignal(): AbortSignal {
  const ctl = new AbortController();
  const unlisten = onStopSignals(() => {
    unlisten();
    ctl.abort();
  });
  return ctl.signal;
}

async function main(argv: string[]): Promise<number> {
  try {
    const inv = parseCommandLine(argv);
    if ("help" in inv) {
      io.out(inv.help);
      return 0;
    }
    const limits = inv.maxMessageBytes === undefined ? {} : { maxMessageBytes: inv.maxMessageBytes };
    const name = inv.command === "serve" ? "pva serve" : "pva";
    const logger = createLogger({ level: inv.logLevel, format: inv.logFormat, name });
    if (inv.command === "serve") {
      const file = inv.args[0];
      const parsed = parsePvFile(await Deno.readTextFile(file), file);
      // Precedence: command line > environment > file.
      const config = configFromEnv(undefined, { limits }, parsed.limits);
      return await serveFile(file, parsed, {
        config,
        io,
        stop: stopSignal(),
        logger,
        accessRules: inv.accessRules,
      });
    }
    return await runClientCommand({ ...inv, command: inv.command }, {
      config: configFromEnv(undefined, { limits }),
      io,
      stop: stopSignal(),
      logger,
    });
  } catch (e) {
    io.err(e instanceof UsageError ? e.message : `pva ${argv[0]}: ${(e as Error).message}`);
    return e instanceof UsageError || e instanceof InputError ? 2 : 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
