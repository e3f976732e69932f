import { type PGlite, parse, protocol } from "@electric-sql/pglite";

type Parsers = Parameters<typeof parse.parseResults>[1];

export interface RawResult<R> {
  rows: R[];
  affectedRows: number | undefined;
}

/** Statements with more parameters than this (batch inserts) are planned each time, never kept. */
const MAX_PREPARED_PARAMS = 64;
const MAX_PREPARED_TEXT = 8_192;

/**
 * The statements PGlite keeps parsed and planned, by SQL text, least recently used first. A
 * statement run again skips PostgreSQL's parse and planning (two to three times cheaper for a
 * join). Small statements only: a batch insert's text changes with its row count, and its plan
 * would hold memory the WebAssembly heap never gives back.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();
  private closing: string[] = [];
  private counter = 0;

  constructor(private readonly max = 200) {}

  /** The name to bind, and whether this exchange must prepare it; undefined: run it unnamed. */
  use(text: string, paramCount: number): { name: string; prepare: boolean } | undefined {
    if (paramCount > MAX_PREPARED_PARAMS || text.length > MAX_PREPARED_TEXT) return undefined;
    const known = this.names.get(text);
    if (known) {
      this.names.delete(text);
      this.names.set(text, known);
      return { name: known, prepare: false };
    }
    const name = `upblit_${++this.counter}`;
    this.names.set(text, name);
    if (this.names.size > this.max) {
      const [oldest, oldName] = this.names.entries().next().value as [string, string];
      this.names.delete(oldest);
      this.closing.push(oldName);
    }
    return { name, prepare: true };
  }

  /** After a failed exchange: its statement may or may not exist now, so it is closed and forgotten. */
  forget(text: string): void {
    const name = this.names.get(text);
    if (!name) return;
    this.names.delete(text);
    this.closing.push(name);
  }

  /** Names evicted or forgotten since the last call, to be closed. */
  takeClosing(): string[] {
    const names = this.closing;
    this.closing = [];
    return names;
  }
}

/**
 * Runs one statement in a single exchange with PGlite: Parse (unless the statement is already
 * prepared), Bind, Describe, Execute and Sync sent together, parameters as untyped text so
 * PostgreSQL infers their types from the statement — what node-postgres does against a server, so
 * both databases see the same parameters. `PGlite.query` asks for the parameter types first and
 * makes six calls into the WebAssembly module per statement and plans it every time; this makes
 * one call and plans a repeated statement once (docs/benchmarks.md).
 */
export async function runStatement<R>(
  pglite: PGlite,
  parsers: Parsers,
  statements: PreparedStatements,
  text: string,
  params: readonly unknown[],
): Promise<RawResult<R>> {
  const { serialize } = protocol;
  await closeEvicted(pglite, statements);
  const named = statements.use(text, params.length);
  const parts: Uint8Array[] = [];
  if (!named || named.prepare) parts.push(serialize.parse({ text, name: named?.name }));
  parts.push(
    bindMessage(named?.name ?? "", params.map(toParam)),
    serialize.describe({ type: "P" }),
    serialize.execute({}),
    serialize.sync(),
  );
  try {
    // The data folder is NodeFS (memory:// in tests): writes reach the files directly and PGlite's
    // syncToFs does nothing for either, so it is not asked for.
    const { messages } = await pglite.execProtocol(concat(parts), { syncToFs: false });
    const [result] = parse.parseResults(messages, parsers);
    return { rows: (result?.rows ?? []) as R[], affectedRows: result?.affectedRows };
  } catch (err) {
    if (named) statements.forget(text);
    throw err;
  }
}

/**
 * Closes evicted statements in an exchange of their own, so that a refusal (inside a failed
 * transaction) cannot take the next statement with it; closing an unknown name is no error.
 */
async function closeEvicted(pglite: PGlite, statements: PreparedStatements): Promise<void> {
  const names = statements.takeClosing();
  if (names.length === 0) return;
  const { serialize } = protocol;
  const parts = names.map((name) => serialize.close({ type: "S", name }));
  await pglite.execProtocol(concat([...parts, serialize.sync()]), { syncToFs: false }).catch(() => {});
}

/**
 * A parameter as PostgreSQL's text format, as node-postgres prepares it: null stays null, dates
 * are ISO timestamps, arrays array literals, other objects JSON, bytes go as binary.
 */
export function toParam(value: unknown): string | Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return "NULL";
    if (Array.isArray(v)) return arrayLiteral(v);
    if (v instanceof Uint8Array) throw new TypeError("bytes inside an array parameter are not supported");
    const text = toParam(v) as string;
    return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(",")}}`;
}

/**
 * The Bind message (unnamed portal, every result column as text), written with Node's native
 * UTF-8 length and copy: PGlite's serializer measures and copies each parameter character by
 * character in JavaScript, which for a batch's array parameters (tens of kilobytes each) was
 * 3 % of the main thread at saturation. Text parameters have format code 0, bytes 1.
 */
export function bindMessage(
  statement: string,
  values: ReadonlyArray<string | Uint8Array | null>,
): Uint8Array {
  const nameBytes = Buffer.byteLength(statement);
  let size = 4 + 1 + nameBytes + 1 + 2 + 2 * values.length + 2 + 2;
  for (const v of values)
    size += 4 + (v === null ? 0 : typeof v === "string" ? Buffer.byteLength(v) : v.length);
  const out = Buffer.allocUnsafe(1 + size);
  let at = out.writeUInt8(0x42, 0); // 'B'
  at = out.writeInt32BE(size, at);
  at = out.writeUInt8(0, at); // unnamed portal
  at += out.write(statement, at);
  at = out.writeUInt8(0, at);
  at = out.writeInt16BE(values.length, at);
  for (const v of values) at = out.writeInt16BE(v instanceof Uint8Array ? 1 : 0, at);
  at = out.writeInt16BE(values.length, at);
  for (const v of values) {
    if (v === null) {
      at = out.writeInt32BE(-1, at);
    } else if (typeof v === "string") {
      const lengthAt = at;
      at += 4;
      const written = out.write(v, at);
      out.writeInt32BE(written, lengthAt);
      at += written;
    } else {
      at = out.writeInt32BE(v.length, at);
      out.set(v, at);
      at += v.length;
    }
  }
  at = out.writeInt16BE(0, at); // result columns: all text
  return out.subarray(0, at);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
