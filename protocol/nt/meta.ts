/**
 * The optional members most normative types end with (descriptor, alarm, timeStamp,
 * display, control): adding them to a built type and value, and reading them back.
 *
 * @module
 */
import { type FieldDesc, scalar, struct, type StructureDesc, type StructValue } from "../pvdata/mod.ts";
import { optionalString, optionalStruct } from "./access.ts";
import {
  type Alarm,
  alarm,
  ALARM_T,
  type Control,
  control,
  CONTROL_T,
  type Display,
  display,
  DISPLAY_T,
  TIME_T,
  type TimeStamp,
  timeStamp,
} from "./common.ts";

/** Optional members to include; each one given (even as `{}`) is added, with defaults filled in. */
export interface MetaOptions {
  /** Free text describing the PV. */
  descriptor?: string;
  /** Alarm state. */
  alarm?: Partial<Alarm>;
  /** When the value was taken (see `timeStampNow`). */
  timeStamp?: Partial<TimeStamp>;
  /** Display limits, units and format. */
  display?: Partial<Display>;
  /** Control limits. */
  control?: Partial<Control>;
}

/** The optional members as read from a value; absent ones are undefined. */
export interface Meta {
  /** Descriptor text. */
  descriptor?: string;
  /** Alarm state. */
  alarm?: Alarm;
  /** Time stamp. */
  timeStamp?: TimeStamp;
  /** Display information. */
  display?: Display;
  /** Control limits. */
  control?: Control;
}

// In normativeTypesCPP order; the value builders fill in what the caller left out.
const META: { [K in keyof MetaOptions]-?: [FieldDesc, (g: MetaOptions[K]) => Meta[K]] } = {
  descriptor: [scalar("string"), (g) => g],
  alarm: [ALARM_T, alarm],
  timeStamp: [TIME_T, timeStamp],
  display: [DISPLAY_T, display],
  control: [CONTROL_T, control],
};
const META_NAMES = Object.keys(META) as (keyof MetaOptions)[];

const typeCache = new Map<string, StructureDesc>();

/**
 * The structure `id` with the `head` members followed by the optional members chosen in
 * `opts`. With a `cacheKey` that identifies `head`, the same type object is returned for the
 * same choice, so building values in a loop allocates no types.
 */
export function metaType(
  id: string,
  head: Record<string, FieldDesc>,
  opts: MetaOptions,
  cacheKey?: string,
): StructureDesc {
  const chosen = META_NAMES.filter((n) => opts[n] !== undefined);
  const key = cacheKey === undefined ? undefined : `${id}|${cacheKey}|${chosen.join(",")}`;
  const hit = key === undefined ? undefined : typeCache.get(key);
  if (hit) return hit;
  const fields = { ...head };
  for (const n of chosen) fields[n] = META[n][0];
  const t = struct(id, fields);
  if (key !== undefined) typeCache.set(key, t);
  return t;
}

/** The values of the optional members chosen in `opts`, defaults filled in. */
export function metaValues(opts: MetaOptions): StructValue {
  const out: StructValue = {};
  for (const n of META_NAMES) {
    const given = opts[n];
    if (given !== undefined) out[n] = (META[n][1] as (g: typeof given) => StructValue | string)(given);
  }
  return out;
}

/** Reads the optional members present in a normative-type value, by name. */
export function readMeta(nt: string, v: StructValue): Meta {
  const out: Record<string, unknown> = {};
  for (const n of META_NAMES) {
    const m = n === "descriptor" ? optionalString(nt, v, n) : optionalStruct(nt, v, n);
    if (m !== undefined) out[n] = m;
  }
  return out as Meta;
}
