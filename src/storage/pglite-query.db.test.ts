import { protocol } from "@electric-sql/pglite";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { bindMessage, PreparedStatements, toParam } from "./pglite-query.ts";

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

  it("writes the same Bind message as PGlite's own serializer", () => {
    const cases: Array<[string, Array<string | Uint8Array | null>]> = [
      ["", []],
      ["upblit_7", ["plain", "ünïcødé 🚦", "", null, new Uint8Array([0, 255, 7]), "x".repeat(70_000)]],
      ["", [null, null]],
    ];
    for (const [statement, values] of cases) {
      const ours = bindMessage(statement, values);
      const theirs = protocol.serialize.bind({ statement, values });
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
    }
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

describe("prepared statements", () => {
  it("keeps small statements by text, least recently used first, and closes what it drops", () => {
    const kept = new PreparedStatements(2);
    expect(kept.use("select 1", 0)).toEqual({ name: "upblit_1", prepare: true });
    expect(kept.use("select 1", 0)).toEqual({ name: "upblit_1", prepare: false });
    kept.use("select 2", 0);
    kept.use("select 1", 0); // now the most recently used
    expect(kept.use("select 3", 0)).toEqual({ name: "upblit_3", prepare: true });
    expect(kept.takeClosing()).toEqual(["upblit_2"]);
    expect(kept.takeClosing()).toEqual([]);
    kept.forget("select 3");
    expect(kept.takeClosing()).toEqual(["upblit_3"]);
    expect(kept.use("select 3", 0)?.prepare).toBe(true);
  });

  it("runs batch statements unnamed", () => {
    const kept = new PreparedStatements();
    expect(kept.use("insert into t values ...", 65)).toBeUndefined();
    expect(kept.use(`select '${"x".repeat(9_000)}'`, 0)).toBeUndefined();
  });
});

describe("prepared statements on PGlite", () => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit("pglite", { UPBLIT_ROLES: "api" });
  });
  afterAll(async () => up?.close());

  it("reuses, evicts and re-prepares statements, and survives a failure inside a transaction", async () => {
    const db = up.rt.db;
    await sql`create table pq2 (id int primary key)`.execute(db);
    // More distinct statements than the cache keeps (200): the oldest are closed and prepared again.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 250; i++) {
        const distinct = sql.raw(`/* ${i} */`);
        const { rows } = await sql<{ n: number }>`select ${i}::int + ${round}::int as n ${distinct}`.execute(
          db,
        );
        expect(rows[0]!.n).toBe(i + round);
      }
    }
    await expect(
      db.transaction().execute(async (tx) => {
        await sql`insert into pq2 values (${1})`.execute(tx);
        await sql`insert into pq2 values (${1})`.execute(tx);
      }),
    ).rejects.toMatchObject({ code: "23505" });
    await sql`insert into pq2 values (${2})`.execute(db);
    const { rows } = await sql<{ id: number }>`select id from pq2 order by id`.execute(db);
    expect(rows.map((r) => r.id)).toEqual([2]);
  });
});
