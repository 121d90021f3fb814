/**
 * pvRequest: the structure a client sends with every operation to say which fields it wants
 * (`field`) and how the operation should behave (`record._options`, per-field `_options`).
 *
 * {@link parseRequest} reads the text form of pvDataCPP's `createRequest` (a superset of what
 * pvxs accepts). Differences, on purpose:
 * - the empty request is `{field{}}`, as pvxs sends it (pvDataCPP builds an empty structure);
 * - repeated paths merge (`field(alarm.status,alarm.severity)`), as pvxs does, where
 *   pvDataCPP refuses them; a repeated option keeps its last value;
 * - names must be made of letters, digits and `_`.
 *
 * Every structure of a built request has the empty id, which pvDataCPP and pvxs both send for
 * the default "structure" (`typeId` in types.ts reads it back as "structure").
 *
 * @module
 */
import { BitSet } from "./bitset.ts";
import { bitCount, bitOf } from "./partial.ts";
import {
  type FieldDesc,
  findField,
  scalar,
  type StructureDesc,
  type StructValue,
  type Value,
} from "./types.ts";

/** A malformed pvRequest text, option or structure. */
export class RequestError extends Error {
  /** Character position in the request text, when the error comes from parsing it. */
  readonly position?: number;

  /**
   * A request error, with the text position when there is one.
   * @param reason what is wrong
   * @param position character position in the request text, if any
   */
  constructor(reason: string, position?: number) {
    super(position === undefined ? `pvRequest: ${reason}` : `pvRequest: ${reason} at position ${position}`);
    this.name = "RequestError";
    this.position = position;
  }
}

/** A pvRequest as built or received: its type and value. */
export interface PvRequest {
  /** The request structure's type (any id). */
  type: FieldDesc;
  /** Its value: option members hold strings, numbers or booleans. */
  value: Value;
}

/** Requested sub-fields and options of one node of the request tree. */
interface Node {
  options: Map<string, string>;
  children: Map<string, Node>;
}

const NAME = /[A-Za-z0-9_]+/y;
const GROUP_START = /record\[|field\(|putField\(|getField\(/;
/** Text nesting beyond this is refused rather than risking the call stack. */
const MAX_TEXT_DEPTH = 64;

function newNode(): Node {
  return { options: new Map(), children: new Map() };
}

/** A recursive-descent reader of the request text; positions refer to the original text. */
class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  fail(reason: string): never {
    throw new RequestError(reason, this.pos);
  }

  /** The next significant character ("" at the end); blanks are insignificant everywhere. */
  peek(): string {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
    return this.text[this.pos] ?? "";
  }

  eat(c: string): void {
    const got = this.peek();
    if (got !== c) this.fail(`expected '${c}' but found ${got === "" ? "the end" : `'${got}'`}`);
    this.pos++;
  }

  name(what: string): string {
    this.peek();
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.text);
    if (m === null) this.fail(`expected ${what}`);
    this.pos += m[0].length;
    return m[0];
  }

  /** The whole text into top-level groups (field, record, getField, putField). */
  request(): Map<string, Node> {
    const groups = new Map<string, Node>();
    const group = (name: string) => {
      let g = groups.get(name);
      if (!g) groups.set(name, g = newNode());
      return g;
    };
    if (!GROUP_START.test(this.text.replace(/\s/g, ""))) {
      // pvDataCPP's shorthand: a bare field list means field(...).
      this.fieldList(group("field"), "");
      if (this.peek() !== "") this.fail(`unexpected '${this.peek()}'`);
      return groups;
    }
    while (this.peek() !== "") {
      if (this.peek() === ",") {
        this.pos++;
        continue;
      }
      const at = this.pos;
      const kw = this.name("record[, field(, getField( or putField(");
      if (kw === "record") this.options(group(kw), true);
      else if (kw === "field" || kw === "getField" || kw === "putField") {
        this.eat("(");
        this.fieldList(group(kw), ")");
        this.eat(")");
      } else {
        this.pos = at;
        this.fail(`unknown group '${kw}'`);
      }
    }
    return groups;
  }

  /** `spec (, spec)*`, possibly empty when `close` follows at once. */
  private fieldList(parent: Node, close: string): void {
    if (this.peek() === close) return;
    for (;;) {
      this.fieldSpec(parent);
      if (this.peek() !== ",") return;
      this.pos++;
    }
  }

  /** `name [options]? (. spec | { list })?` */
  private fieldSpec(parent: Node): void {
    if (++this.depth > MAX_TEXT_DEPTH) this.fail(`nesting deeper than ${MAX_TEXT_DEPTH}`);
    const name = this.name("a field name");
    let node = parent.children.get(name);
    if (!node) parent.children.set(name, node = newNode());
    if (this.peek() === "[") this.options(node, false);
    const next = this.peek();
    if (next === ".") {
      this.pos++;
      this.fieldSpec(node);
    } else if (next === "{") {
      this.pos++;
      if (this.peek() === "}") this.fail("empty {}");
      this.fieldList(node, "}");
      this.eat("}");
    }
    this.depth--;
  }

  /** `[name=value, ...]`; a value runs to the next ',' or ']' and may hold ':', ';', '=' ... */
  private options(node: Node, allowEmpty: boolean): void {
    this.eat("[");
    if (this.peek() === "]") {
      if (!allowEmpty) this.fail("empty []");
      this.pos++;
      return;
    }
    for (;;) {
      const key = this.name("an option name");
      this.eat("=");
      let value = "";
      for (let c = this.peek(); c !== "," && c !== "]"; c = this.peek()) {
        if (c === "") this.fail("missing ']'");
        value += c;
        this.pos++;
      }
      node.options.set(key, value);
      if (this.peek() === "]") break;
      this.pos++;
    }
    this.pos++;
  }
}

/** The request structure of one node: `_options` (strings) first, then the sub-fields. */
function build(node: Node): { type: StructureDesc; value: StructValue } {
  const members: [string, { type: FieldDesc; value: Value }][] = [];
  if (node.options.size > 0) {
    const fields = [...node.options.keys()].map((name) => ({ name, type: scalar("string") }));
    members.push(["_options", {
      type: { kind: "structure", id: "", fields },
      value: Object.fromEntries(node.options),
    }]);
  }
  for (const [name, child] of node.children) members.push([name, build(child)]);
  return {
    type: { kind: "structure", id: "", fields: members.map(([name, m]) => ({ name, type: m.type })) },
    // fromEntries defines own properties: even a field named "__proto__" stays a plain member.
    value: Object.fromEntries(members.map(([name, m]) => [name, m.value])),
  };
}

/**
 * Parses pvRequest text into the pvRequest structure.
 *
 * @param text e.g. `field(value,alarm)record[queueSize=4]`, a bare field list, or ""
 * @returns the request type and value, ready for writeType/writeValue
 * @throws RequestError naming the problem and its position
 * @example
 * ```ts
 * import { parseRequest } from "./pvrequest.ts";
 * const { value } = parseRequest("record[queueSize=4]field(value,alarm.severity)");
 * // value: { record: { _options: { queueSize: "4" } }, field: { value: {}, alarm: { severity: {} } } }
 * ```
 */
export function parseRequest(text: string): { type: StructureDesc; value: StructValue } {
  const groups = new Parser(text).request();
  const record = groups.get("record");
  // pvDataCPP leaves out a record[] that carries no option.
  if (record && record.options.size === 0) groups.delete("record");
  // pvDatabase refuses a request without any field group ("no fields ... were found"); pvxs
  // always sends an empty `field` meaning "everything", and so do we.
  if (!groups.has("field") && !groups.has("getField") && !groups.has("putField")) {
    groups.set("field", { options: new Map(), children: new Map() });
  }
  return build({ options: new Map(), children: groups });
}

// ---- Field selection ----

/** The `field` sub-structure type of a request: undefined when absent. */
function fieldType(request: PvRequest): StructureDesc | undefined {
  const t = request.type.kind === "structure" ? findField(request.type, "field") : undefined;
  if (t === undefined) return undefined;
  if (t.kind !== "structure") throw new RequestError(`'field' is a ${t.kind}, not a structure`);
  return t;
}

/** Structure members of a request node that name fields (not `_options`). */
function selections(node: StructureDesc): { name: string; node: StructureDesc }[] {
  const out: { name: string; node: StructureDesc }[] = [];
  for (const m of node.fields) {
    if (m.name !== "_options" && m.type.kind === "structure") out.push({ name: m.name, node: m.type });
  }
  return out;
}

/** Walks the `field` tree against `type`: the selected bits and the names `type` lacks. */
function select(type: FieldDesc, request: PvRequest): { mask: BitSet; unknown: string[] } {
  const total = bitCount(type);
  const mask = new BitSet(total).set(0);
  const unknown: string[] = [];
  const field = fieldType(request);
  if (field === undefined || selections(field).length === 0) return { mask: BitSet.range(0, total), unknown };
  // pvDatabase's plugin form: "_" alone stands for the whole top structure; beside named
  // fields it only carries the plugin's options (PvaPy drops the field request then; we keep it).
  const pluginOnly = selections(field).every((s) => s.name === "_");
  const walk = (node: StructureDesc, prefix: string) => {
    for (const sel of selections(node)) {
      const path = prefix + sel.name;
      const bit = bitOf(type, path);
      if (path === "_" && bit < 0) {
        if (pluginOnly) mask.setRange(0, total);
        continue;
      }
      if (bit < 0) {
        unknown.push(path);
        continue;
      }
      mask.set(bit);
      if (selections(sel.node).length > 0) walk(sel.node, path + ".");
      else mask.setRange(bit, bit + bitCount(findField(type, path)!));
    }
  };
  walk(field, "");
  return { mask, unknown };
}

/**
 * The bits (partial.ts numbering) a request selects in `type`: each selected field with all
 * its descendants and ancestors, bit 0 always. No `field` member, or an empty `field{}`,
 * selects everything. Names `type` lacks are skipped (see {@link unknownFields}).
 *
 * @throws RequestError when `field` is not a structure, or when it names fields but none
 *   exists in `type` (pvxs answers such a request with "pvRequest selects no fields")
 * @example
 * ```ts
 * import { parseRequest, requestMask } from "./pvrequest.ts";
 * import { scalar, struct } from "./types.ts";
 * const t = struct("", { value: scalar("float64"), alarm: struct("", { severity: scalar("int32") }) });
 * [...requestMask(t, parseRequest("field(alarm)"))]; // [0, 2, 3]
 * ```
 */
export function requestMask(type: FieldDesc, request: PvRequest): BitSet {
  const { mask } = select(type, request);
  if (mask.nextSetBit(1) < 0 && bitCount(type) > 1) throw new RequestError("selects no fields");
  return mask;
}

/** The dotted paths a request's `field` names that `type` does not have. */
export function unknownFields(type: FieldDesc, request: PvRequest): string[] {
  return select(type, request).unknown;
}

// ---- Options ----

/** The members of an `_options` value as strings; non-scalar members are skipped. */
function optionStrings(v: Value | undefined): Record<string, string> {
  if (typeof v !== "object" || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) return {};
  const scalars = Object.entries(v as StructValue).filter(([, x]) =>
    typeof x === "string" || typeof x === "number" || typeof x === "bigint" || typeof x === "boolean"
  );
  return Object.fromEntries(scalars.map(([k, x]) => [k, String(x)]));
}

/** The member `path` (dotted) of a structure value, or undefined. */
function memberValue(v: Value | undefined, path: string[]): Value | undefined {
  let cur = v;
  for (const p of path) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur) || ArrayBuffer.isView(cur)) {
      return undefined;
    }
    cur = (cur as StructValue)[p];
  }
  return cur;
}

/**
 * The `record._options` of a request, as strings (peers send strings, numbers or booleans).
 * @example
 * ```ts
 * import { parseRequest, requestOptions } from "./pvrequest.ts";
 * requestOptions(parseRequest("record[queueSize=4,pipeline=true]")); // { queueSize: "4", pipeline: "true" }
 * ```
 */
export function requestOptions(request: PvRequest): Record<string, string> {
  return optionStrings(memberValue(request.value, ["record", "_options"]));
}

/**
 * The `_options` of one requested field (`path` dotted, "_" for the plugin form), as strings.
 * @example
 * ```ts
 * import { fieldOptions, parseRequest } from "./pvrequest.ts";
 * fieldOptions(parseRequest("_[distributor=group:g;set:s]"), "_"); // { distributor: "group:g;set:s" }
 * ```
 */
export function fieldOptions(request: PvRequest, path: string): Record<string, string> {
  return optionStrings(memberValue(request.value, ["field", ...path.split("."), "_options"]));
}

/**
 * A numeric option, or `fallback` when absent.
 * @throws RequestError when present but not a number
 */
export function optionNumber(opts: Record<string, string>, name: string, fallback: number): number {
  const s = opts[name];
  if (s === undefined) return fallback;
  const n = s.trim() === "" ? NaN : Number(s);
  if (!Number.isFinite(n)) throw new RequestError(`option ${name}=${JSON.stringify(s)} is not a number`);
  return n;
}

/**
 * A boolean option ("true"/"false" in any case, or a number: non-zero is true), or `fallback`.
 * @throws RequestError when present but neither
 */
export function optionBool(opts: Record<string, string>, name: string, fallback: boolean): boolean {
  const s = opts[name];
  if (s === undefined) return fallback;
  const lower = s.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  const n = lower === "" ? NaN : Number(lower);
  if (!Number.isFinite(n)) throw new RequestError(`option ${name}=${JSON.stringify(s)} is not a boolean`);
  return n !== 0;
}
