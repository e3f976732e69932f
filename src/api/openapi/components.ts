import { isDeepStrictEqual } from "node:util";

type Schemas = Record<string, Record<string, unknown>>;
const REF = "#/components/schemas/";

/**
 * Tidies the schemas zod registered: no `$id`/`$schema` (zod writes a JSON pointer as `$id`,
 * which is not a valid URI-reference base), one schema where the request (`XInput`) and response
 * (`X`) forms are the same, and nothing that no operation uses.
 */
export function tidySchemas<D extends { components?: { schemas?: unknown } }>(doc: D): D {
  const schemas = (doc.components?.schemas ?? {}) as Schemas;
  for (const schema of Object.values(schemas)) {
    delete schema.$id;
    delete schema.$schema;
  }
  const renames = new Map<string, string>();
  for (const name of Object.keys(schemas)) {
    const output = name.endsWith("Input") ? schemas[name.slice(0, -"Input".length)] : undefined;
    if (output && isDeepStrictEqual(refsRenamed(schemas[name], renames), output)) {
      renames.set(name, name.slice(0, -"Input".length));
    }
  }
  let text = JSON.stringify(doc);
  for (const [from, to] of renames) text = text.replaceAll(`"${REF}${from}"`, `"${REF}${to}"`);
  const tidy = JSON.parse(text) as D;
  const tidySchemas = (tidy.components?.schemas ?? {}) as Schemas;
  for (const from of renames.keys()) delete tidySchemas[from];
  dropUnused(tidy, tidySchemas);
  return tidy;
}

function refsRenamed(schema: unknown, renames: Map<string, string>): unknown {
  let text = JSON.stringify(schema);
  for (const [from, to] of renames) text = text.replaceAll(`"${REF}${from}"`, `"${REF}${to}"`);
  return JSON.parse(text);
}

/** Removes schemas nothing refers to, until none is left (a schema may only be used by another unused one). */
function dropUnused(doc: unknown, schemas: Schemas): void {
  for (;;) {
    const text = JSON.stringify(doc);
    const unused = Object.keys(schemas).filter((name) => {
      const uses = text.split(`"${REF}${name}"`).length - 1;
      const selfUses = JSON.stringify(schemas[name]).split(`"${REF}${name}"`).length - 1;
      return uses === selfUses;
    });
    if (unused.length === 0) return;
    for (const name of unused) delete schemas[name];
  }
}
