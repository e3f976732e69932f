/**
 * `GET /monitor-types`: every type of the registry with its settings as JSON Schema, so the
 * dashboard builds a type's form without knowing it; secrets are marked `writeOnly`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MONITOR_TYPE_LIST } from "../../../monitor-types/registry.ts";
import { API, call } from "../../../test/api-helpers.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface Info {
  type: string;
  summary: string;
  target: Record<string, unknown>;
  settings: Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }>;
  subjects: string[];
  passive: boolean;
}

describe("GET /monitor-types", () => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit("pglite", { UPBLIT_ROLES: "api" });
  });
  afterAll(async () => {
    await up?.close();
  });

  it("lists every registered type, in the registry's order, with its blocks' schemas", async () => {
    const res = await call(up, "GET", `${API}/monitor-types`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: Info[] }>().items;
    expect(items.map((i) => i.type)).toEqual(MONITOR_TYPE_LIST.map((t) => t.type));
    for (const t of MONITOR_TYPE_LIST) {
      const info = items.find((i) => i.type === t.type)!;
      expect(Object.keys(info.settings)).toEqual(Object.keys(t.settings));
      expect(info.subjects).toEqual([...t.subjects]);
      expect(info.summary).toBe(t.summary);
    }
  });

  it("says what each setting is: required fields, defaults, options, secrets write-only", async () => {
    const items = (await call(up, "GET", `${API}/monitor-types`)).json<{ items: Info[] }>().items;
    const postgres = items.find((i) => i.type === "postgres")!;
    const pg = postgres.settings.postgres!;
    expect(pg.required).toEqual(["username"]);
    expect(pg.properties?.password).toMatchObject({ type: "string", writeOnly: true });
    expect(pg.properties?.database).toMatchObject({ default: "postgres" });
    expect(pg.properties?.username?.writeOnly).toBeUndefined();
    expect(postgres.target).toMatchObject({ type: "string", example: "db.example.com:5432" });
    const redis = items.find((i) => i.type === "redis")!.settings.redis!;
    expect(redis.properties?.command).toMatchObject({ default: "PING" });
    expect(redis.properties?.command?.enum).toContain("GET");
    const heartbeat = items.find((i) => i.type === "heartbeat")!;
    expect(heartbeat.passive).toBe(true);
    expect(heartbeat.target).toMatchObject({ maxLength: 0 });
  });

  it("needs monitors:read", async () => {
    const res = await call(up, "GET", `${API}/monitor-types`, undefined, { authorization: "" });
    expect(res.statusCode).toBe(401);
  });
});
