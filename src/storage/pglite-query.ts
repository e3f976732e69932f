import { type PGlite, parse, protocol } from "@electric-sql/pglite";

type Parsers = Parameters<typeof parse.parseResults>[1];

export interface RawResult<R> {
  rows: R[];
  affectedRows: number | undefined;
}

/**
 * Runs one statement in a single exchange with PGlite: Parse, Bind, Describe, Execute and Sync sent
 * together, parameters as untyped text so PostgreSQL infers their types from the statement — what
 * node-postgres does against a server, so both databases see the same parameters. `PGlite.query`
 * asks for the parameter types first and makes six calls into the WebAssembly module per
 * statement; this makes one, which roughly halves the fixed cost of a statement (docs/benchmarks.md).
 */
export async function runStatement<R>(
  pglite: PGlite,
  parsers: Parsers,
  text: string,
  params: readonly unknown[],
): Promise<RawResult<R>> {
  const { serialize } = protocol;
  const message = concat([
    serialize.parse({ text }),
    serialize.bind({ values: params.map(toParam) }),
    serialize.describe({ type: "P" }),
    serialize.execute({}),
    serialize.sync(),
  ]);
  // The data folder is NodeFS (memory:// in tests): writes reach the files directly and PGlite's
  // syncToFs does nothing for either, so it is not asked for.
  const { messages } = await pglite.execProtocol(message, { syncToFs: false });
  const [result] = parse.parseResults(messages, parsers);
  return { rows: (result?.rows ?? []) as R[], affectedRows: result?.affectedRows };
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

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
