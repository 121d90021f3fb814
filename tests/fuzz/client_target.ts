import type { Session } from "./corpus.ts";
import type { Rng } from "./rng.ts";
import type { TargetReport } from "./stats.ts";
export async function fuzzClient(_rng: Rng, _opts: { sessions: Session[]; messages: number }, _r: TargetReport) {}
