import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { toParam } from "./pglite-query.ts";

describe("parameters as text (PGlite's one-exchange statements, node-postgres against the server)", () => {
  it("prepares values as node-postgres does", () => {
    expect(toParam(null)).toBeNull();
    expect(toParam(undefined)).toBeNull();
    expect(toParam(true)).toBe("true");
    expect(toParam(42.5)).toBe("42.5");
    expect(toParam(new Date(Date.UTC(2026, 10, 22, 7, 0, 0, 123)))).toBe("2026-11-22T07:00:00.123Z");
    expect(toParam({ a: [1, "x"] })).toBe('{"a":[1,"x"]}');
    expect(toParam(["a", 'q"uote', "back\\slash", null, ["n"]])).toBe(
      '{"a","q\\"uote","back\\\\slash",NULL,{"n"}}',
    );
    const bytes = new Uint8Array([1, 2, 3]);
    expect(toParam(bytes)).toBe(bytes);
    expect(() => toParam([bytes])).toThrow(TypeError);
  });
});

describe.each(DB_KINDS)("statements on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" });
  });
  afterAll(async () => up?.close());

  it("round-trips every kind of parameter the same way on both databases", async () => {
    const at = new Date(Date.UTC(2026, 10, 22, 7, 0, 0, 123));
    const { rows } = await sql<{
      t: string;
      n: number;
      big: number;
      b: boolean;
      at: Date;
      tags: string[];
      j: { a: number[] };
      bytes: Uint8Array;
      none: string | null;
    }>`select ${"it's"}::text as t, ${7}::int as n, ${2 ** 40}::bigint as big, ${true}::boolean as b,
        ${at}::timestamptz as at, ${["a", 'q"', "c,d", "{e}"]}::text[] as tags,
        ${JSON.stringify({ a: [1, 2] })}::jsonb as j, ${Buffer.from([0, 255])}::bytea as bytes,
        ${null}::text as none`.execute(up.rt.db);
    const row = rows[0]!;
    expect(row).toMatchObject({ t: "it's", n: 7, big: 2 ** 40, b: true, tags: ["a", 'q"', "c,d", "{e}"] });
    expect(row.at.getTime()).toBe(at.getTime());
    expect(row.j).toEqual({ a: [1, 2] });
    expect([...row.bytes]).toEqual([0, 255]);
    expect(row.none).toBeNull();
  });

  it("reports affected rows and a failing statement's error code, and the connection goes on", async () => {
    await sql`create table pq (id int primary key)`.execute(up.rt.db);
    const inserted = await sql`insert into pq values (1), (2)`.execute(up.rt.db);
    expect(Number(inserted.numAffectedRows)).toBe(2);
    await expect(sql`insert into pq values (${1})`.execute(up.rt.db)).rejects.toMatchObject({
      code: "23505",
    });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pq`.execute(up.rt.db);
    expect(rows[0]!.n).toBe(2);
  });
});
