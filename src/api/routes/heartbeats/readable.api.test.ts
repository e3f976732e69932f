/**
 * The readable ping URL `/ping/{organization ping key}/{slug}` (Healthchecks' form), the ping key
 * made, shown and rotated, unique slugs, and pinging by slug with an API key that has only the
 * `heartbeats:write` scope — on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, otherOrganization } from "../../../test/accounts.ts";
import {
  API,
  call,
  createMonitor,
  expectValidation,
  getJson,
  type MonitorJson,
  waitFor,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

describe.each(DB_KINDS)("readable heartbeat ping URLs on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind);
  });
  afterAll(async () => up?.close());

  const ping = (path: string, method: "GET" | "POST" = "GET", payload?: string) =>
    up.app!.inject({ method, url: path, payload, headers: { "content-type": "text/plain" } });
  const pingKinds = async (id: string) =>
    (
      await getJson<{ items: Array<{ kind: string; exitStatus: number | null }> }>(
        up,
        `${API}/monitors/${id}/pings`,
      )
    ).items;
  const heartbeat = (name: string, slug: string) =>
    createMonitor(up, {
      type: "heartbeat",
      name,
      heartbeat: { slug, periodSeconds: 3_600, graceSeconds: 600 },
    });

  it("no key at first; once made, /ping/{key}/{slug} pings that monitor with every signal", async () => {
    expect((await getJson<{ pingKey: string | null }>(up, `${API}/ping-key`)).pingKey).toBeNull();
    const made = await call(up, "POST", `${API}/ping-key`);
    expect(made.statusCode, made.body).toBe(200);
    const key = made.json<{ pingKey: string }>().pingKey;
    expect(key).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await getJson<{ pingKey: string }>(up, `${API}/ping-key`)).pingKey).toBe(key);
    // Stored as a hash and sealed: the key's text is nowhere in the row.
    const row = await up.rt.db
      .selectFrom("organizations")
      .selectAll()
      .where("id", "=", up.organizationId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(key);

    const m = await heartbeat("Nightly backup", "nightly-backup");
    const start = await ping(`/ping/${key}/nightly-backup/start?rid=r1`);
    expect(start.statusCode).toBe(200);
    expect(start.body).toBe("OK");
    expect(start.headers["ping-body-limit"]).toBe("100000");
    expect((await ping(`/ping/${key}/nightly-backup/0?rid=r1`, "POST", "backup done")).body).toBe("OK");
    expect((await ping(`/ping/${key}/nightly-backup`)).statusCode).toBe(200);
    expect((await ping(`/ping/${key}/nightly-backup/fail`)).statusCode).toBe(200);
    expect((await pingKinds(m.id)).map((p) => p.kind)).toEqual(["fail", "success", "exit", "start"]);
    await waitFor(
      () => getJson<MonitorJson>(up, `${API}/monitors/${m.id}`),
      (x) => x.state === "down",
    );
  });

  it("answers not found, and says nothing more, for a wrong key, an unknown slug or a bad signal", async () => {
    const key = (await getJson<{ pingKey: string }>(up, `${API}/ping-key`)).pingKey;
    await heartbeat("Reports", "reports");
    const wrongKey = `${key.slice(0, 23)}${key.endsWith("A") ? "B" : "A"}`;
    for (const path of [
      `/ping/${wrongKey}/reports`,
      `/ping/${key}/no-such-job`,
      `/ping/${key}/reports/restart`,
      `/ping/${key}/Reports`,
    ]) {
      const res = await ping(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.body).toBe("not found");
    }
    // Another organization's key does not reach this organization's slugs.
    const other = await otherOrganization(up);
    const theirs = (await call(up, "POST", `${API}/ping-key`, undefined, other.headers)).json<{
      pingKey: string;
    }>();
    expect((await ping(`/ping/${theirs.pingKey}/reports`)).statusCode).toBe(404);
  });

  it("rotating the key stops the old one at once", async () => {
    const old = (await getJson<{ pingKey: string }>(up, `${API}/ping-key`)).pingKey;
    await heartbeat("Rotated", "rotated");
    expect((await ping(`/ping/${old}/rotated`)).statusCode).toBe(200);
    const fresh = (await call(up, "POST", `${API}/ping-key`)).json<{ pingKey: string }>().pingKey;
    expect(fresh).not.toBe(old);
    expect((await ping(`/ping/${old}/rotated`)).statusCode).toBe(404);
    expect((await ping(`/ping/${fresh}/rotated`)).statusCode).toBe(200);
  });

  it("a slug is unique in an organization and has a shape", async () => {
    await heartbeat("First", "unique-job");
    const twice = await call(up, "POST", `${API}/monitors`, {
      type: "heartbeat",
      name: "Second",
      heartbeat: { slug: "unique-job" },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual([
      "body.heartbeat.slug",
    ]);
    const shape = await call(up, "POST", `${API}/monitors`, {
      type: "heartbeat",
      name: "Bad",
      heartbeat: { slug: "Not A Slug" },
    });
    expectValidation(shape, ["body.heartbeat.slug"]);
    // Renaming another heartbeat onto a taken slug is refused the same way.
    const other = await heartbeat("Other", "other-job");
    const patched = await call(up, "PATCH", `${API}/monitors/${other.id}`, {
      heartbeat: { slug: "unique-job" },
    });
    expect(patched.statusCode).toBe(409);
  });

  it("an API key with only heartbeats:write pings by slug; without it, refused", async () => {
    const m = await heartbeat("Deploy", "deploy");
    const owner = { ctx: up.ctx } as Parameters<typeof apiKeyFor>[0];
    const pinger = await apiKeyFor(owner, ["heartbeats:write"]);
    const reader = await apiKeyFor(owner, ["monitors:read"]);
    const as = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "text/plain" });
    const ok = await up.app!.inject({
      method: "POST",
      url: `${API}/ping/deploy/0`,
      headers: as(pinger),
      payload: "v42",
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toBe("OK");
    expect(
      (await up.app!.inject({ method: "GET", url: `${API}/ping/deploy/start`, headers: as(pinger) }))
        .statusCode,
    ).toBe(200);
    expect((await pingKinds(m.id)).map((p) => p.kind)).toEqual(["start", "exit"]);
    const refused = await up.app!.inject({ method: "GET", url: `${API}/ping/deploy`, headers: as(reader) });
    expect(refused.statusCode).toBe(403);
    const unknown = await up.app!.inject({ method: "GET", url: `${API}/ping/nobody`, headers: as(pinger) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers["content-type"]).toContain("application/problem+json");
    // That key can do nothing else.
    expect(
      (await call(up, "GET", `${API}/monitors`, undefined, { authorization: `Bearer ${pinger}` })).statusCode,
    ).toBe(403);
  });
});
