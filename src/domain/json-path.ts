/**
 * A deliberately small JSONPath subset: `$`, `.name`, `['name']` / `["name"]`, `[0]`, `[-1]`.
 * Wildcards, filters, scripts, slices, unions and `..` are refused at parse time, so evaluation
 * is one own-property read per segment and cannot be turned into a CPU or prototype attack.
 */
import { AppError } from "../lib/errors.ts";

export type JsonPathSegment = { kind: "key"; key: string } | { kind: "index"; index: number };

export interface JsonPathMatch {
  found: boolean;
  value?: unknown;
}

export const MAX_JSON_PATH_LENGTH = 256;
export const MAX_JSON_PATH_SEGMENTS = 32;

/** A path outside the supported subset; `position` is the 0-based offset of the problem. */
export class JsonPathError extends AppError {
  constructor(
    readonly position: number,
    reason: string,
  ) {
    super("VALIDATION", `Invalid JSON path: ${reason} (at offset ${position})`);
    this.name = "JsonPathError";
  }
}

// Dot names are identifier-like; anything else must use the bracket form.
const DOT_NAME = /[A-Za-z_$][\w$-]*/y;
const INDEX = /-?\d+/y;

const UNSUPPORTED_AFTER_BRACKET: Record<string, string> = {
  "*": "wildcards are not supported",
  "?": "filter expressions are not supported",
  "(": "script expressions are not supported",
  ":": "slices are not supported",
};

export function parseJsonPath(path: string): JsonPathSegment[] {
  if (path.length > MAX_JSON_PATH_LENGTH) {
    throw new JsonPathError(MAX_JSON_PATH_LENGTH, `longer than ${MAX_JSON_PATH_LENGTH} characters`);
  }
  if (path[0] !== "$") throw new JsonPathError(0, 'a path must start with "$"');
  const segments: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const start = i;
    const ch = path[i];
    if (ch === ".") i = readDotSegment(path, i, segments);
    else if (ch === "[") i = readBracketSegment(path, i, segments);
    else throw new JsonPathError(i, `unexpected ${quoteChar(ch)}; expected "." or "["`);
    if (segments.length > MAX_JSON_PATH_SEGMENTS) {
      throw new JsonPathError(start, `more than ${MAX_JSON_PATH_SEGMENTS} segments`);
    }
  }
  return segments;
}

function readDotSegment(path: string, dot: number, out: JsonPathSegment[]): number {
  const next = path[dot + 1];
  if (next === ".") throw new JsonPathError(dot, 'recursive descent ".." is not supported');
  if (next === "*") throw new JsonPathError(dot + 1, "wildcards are not supported");
  if (next === undefined) throw new JsonPathError(dot + 1, 'expected a name after "."');
  DOT_NAME.lastIndex = dot + 1;
  const match = DOT_NAME.exec(path);
  if (!match) {
    throw new JsonPathError(
      dot + 1,
      `unexpected ${quoteChar(next)} after "."; use ['…'] for names with other characters`,
    );
  }
  out.push({ kind: "key", key: match[0] });
  return dot + 1 + match[0].length;
}

function readBracketSegment(path: string, open: number, out: JsonPathSegment[]): number {
  const first = path[open + 1];
  if (first === undefined) throw new JsonPathError(open, 'missing "]"');
  const unsupported = UNSUPPORTED_AFTER_BRACKET[first];
  if (unsupported) throw new JsonPathError(open + 1, unsupported);
  let end: number;
  if (first === "'" || first === '"') {
    const { key, next } = readQuoted(path, open + 1);
    out.push({ kind: "key", key });
    end = next;
  } else {
    INDEX.lastIndex = open + 1;
    const match = INDEX.exec(path);
    if (!match) {
      throw new JsonPathError(open + 1, "expected a quoted name or an integer index inside [ ]");
    }
    const index = Number(match[0]);
    if (!Number.isSafeInteger(index)) throw new JsonPathError(open + 1, "index is too large");
    // `+ 0` turns `[-0]` into index 0 rather than a negative zero.
    out.push({ kind: "index", index: index + 0 });
    end = open + 1 + match[0].length;
  }
  const close = path[end];
  if (close === "]") return end + 1;
  if (close === ":") throw new JsonPathError(end, "slices are not supported");
  if (close === ",") throw new JsonPathError(end, "unions are not supported");
  if (close === undefined) throw new JsonPathError(open, 'missing "]"');
  throw new JsonPathError(end, `unexpected ${quoteChar(close)}; expected "]"`);
}

function readQuoted(path: string, start: number): { key: string; next: number } {
  const quote = path[start];
  let key = "";
  let i = start + 1;
  while (i < path.length) {
    const ch = path[i];
    if (ch === quote) return { key, next: i + 1 };
    if (ch === "\\") {
      const escaped = path[i + 1];
      if (escaped !== "'" && escaped !== '"' && escaped !== "\\") {
        throw new JsonPathError(i, "only \\' \\\" and \\\\ escapes are supported in quoted names");
      }
      key += escaped;
      i += 2;
    } else {
      key += ch;
      i += 1;
    }
  }
  throw new JsonPathError(start, "unterminated quoted name");
}

function quoteChar(ch: string | undefined): string {
  return ch === undefined ? "end of path" : JSON.stringify(ch);
}

/** Throws `JsonPathError` for paths outside the subset; a path that matches nothing is `found: false`. */
export function evaluateJsonPath(doc: unknown, path: string): JsonPathMatch {
  return walkJsonPath(doc, parseJsonPath(path));
}

export function walkJsonPath(doc: unknown, segments: readonly JsonPathSegment[]): JsonPathMatch {
  let current: unknown = doc;
  for (const segment of segments) {
    const step = segment.kind === "key" ? readKey(current, segment.key) : readIndex(current, segment.index);
    if (!step.found) return { found: false };
    current = step.value;
  }
  return { found: true, value: current };
}

// Names select object members only (as in RFC 9535), so `$.items.length` is not an array's length.
function readKey(container: unknown, key: string): JsonPathMatch {
  if (typeof container !== "object" || container === null || Array.isArray(container)) {
    return { found: false };
  }
  return readOwn(container, key);
}

function readIndex(container: unknown, index: number): JsonPathMatch {
  if (!Array.isArray(container)) return { found: false };
  const position = index < 0 ? container.length + index : index;
  if (position < 0 || position >= container.length) return { found: false };
  return readOwn(container, String(position));
}

// Own data properties only: the prototype chain is never consulted and no getter ever runs.
function readOwn(container: object, key: string): JsonPathMatch {
  if (!Object.hasOwn(container, key)) return { found: false };
  const descriptor = Object.getOwnPropertyDescriptor(container, key);
  if (!descriptor || !("value" in descriptor)) return { found: false };
  const value: unknown = descriptor.value;
  return { found: true, value };
}
