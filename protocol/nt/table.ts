/**
 * NTTable: named columns of equal length, with display labels.
 *
 * @module
 */
import {
  type FieldDesc,
  type NumericArray,
  scalarArray,
  struct,
  type StructValue,
  type Typed,
} from "../pvdata/mod.ts";
import { type NTInput, requiredStrings, requiredStruct, unwrap } from "./access.ts";
import { type ArrayInput, arrayScalarType, arrayValue } from "./arrays.ts";
import { NTError } from "./errors.ts";
import { type Meta, type MetaOptions, metaType, metaValues, readMeta } from "./meta.ts";

/** Type id of NTTable. */
export const NT_TABLE_ID = "epics:nt/NTTable:1.0";

/** The optional members NTTable may carry. */
export type NTTableOptions = Pick<MetaOptions, "descriptor" | "alarm" | "timeStamp">;

/** One table column as read: a typed array, or an array of strings or booleans. */
export type Column = NumericArray | string[] | boolean[];

/** The length shared by all columns, or an NTError naming the first that differs. */
function rowCount(columns: Record<string, ArrayLike<unknown>>): number {
  const names = Object.keys(columns);
  const rows = names.length ? columns[names[0]].length : 0;
  for (const name of names) {
    const n = columns[name].length;
    if (n !== rows) {
      throw new NTError("NTTable", `value.${name}`, `${n} rows where ${names[0]} has ${rows}`);
    }
  }
  return rows;
}

function checkLabels(labels: string[], columns: number): void {
  if (labels.length !== columns) {
    throw new NTError("NTTable", "labels", `${labels.length} labels for ${columns} columns`);
  }
}

/**
 * An NTTable with the given columns (member order is column order; plain numbers make a
 * float64 column); the labels default to the column names.
 * @throws {NTError} when columns differ in length, a column type cannot be inferred, or the
 * number of labels is not the number of columns
 * @example
 * ```ts
 * import { ntTable } from "./table.ts";
 * const t = ntTable({ x: new Float64Array([1, 2]), name: ["a", "b"] }, ["X (mm)", "Name"]);
 * ```
 */
export function ntTable(
  columns: Record<string, ArrayInput>,
  labels?: string[],
  opts: NTTableOptions = {},
): Typed {
  rowCount(columns);
  const names = Object.keys(columns);
  checkLabels(labels ?? names, names.length);
  const types: Record<string, FieldDesc> = {};
  const values: StructValue = {};
  for (const name of names) {
    const t = arrayScalarType(columns[name]);
    if (t === undefined) {
      throw new NTError("NTTable", `value.${name}`, "cannot tell the column's element type");
    }
    types[name] = scalarArray(t);
    values[name] = arrayValue(t, columns[name]);
  }
  const head = { labels: scalarArray("string"), value: struct("", types) };
  return {
    type: metaType(NT_TABLE_ID, head, opts),
    value: { labels: labels ?? names, value: values, ...metaValues(opts) },
  };
}

/** An NTTable as read. */
export interface NTTableData extends Meta {
  /** Column labels, one per column. */
  labels: string[];
  /** Columns by member name, in wire order. */
  columns: Record<string, Column>;
}

/**
 * Reads an NTTable by field name.
 * @throws {NTError} when labels or value are missing, a column is not an array, columns
 * differ in length, or labels and columns differ in number
 */
export function readNTTable(input: NTInput): NTTableData {
  const { value: v } = unwrap(input, "NTTable");
  const labels = requiredStrings("NTTable", v, "labels");
  const value: StructValue = requiredStruct("NTTable", v, "value");
  const columns: Record<string, Column> = {};
  for (const [name, c] of Object.entries(value)) {
    if (!Array.isArray(c) && !ArrayBuffer.isView(c)) {
      throw new NTError("NTTable", `value.${name}`, "expected an array column");
    }
    columns[name] = c as Column;
  }
  rowCount(columns);
  checkLabels(labels, Object.keys(columns).length);
  return { labels, columns, ...readMeta("NTTable", v) };
}
