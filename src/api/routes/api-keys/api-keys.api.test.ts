import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { generateApiKey } from "../../../services/auth/api-key-format.ts";
import { apiKeyFor, otherOrganization, signInAs, type TestUser } from "../../../test/accounts.ts";
import { API, API_ONLY, call, createMonitor, expectProblem, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface KeyJson {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: { id: string; email: string };
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
  status: "active" | "expired" | "revoked";
  token?: string;
}

const TOKEN = /^upb_[0-9A-Za-z]{36}$/;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(DB_KINDS)("API keys on %s", (kind) => {
  let up: TestUpblit;
  let clock: ManualClock;
  let admin: TestUser;

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    up = await startTestUpblit(kind, API_ONLY, { clock });
    admin = await signInAs(up, "admin");
  });
  afterAll(async () => {
    await up?.close();
  });

  async function createKey(body: Record<string, unknown>, by: TestUser = admin): Promise<KeyJson> {
    const res = await call(up, "POST", `${API}/api-keys`, body, by.headers);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<KeyJson>();
  }
  const readKey = async (id: string) => {
    const res = await call(up, "GET", `${API}/api-keys/${id}`, undefined, admin.headers);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<KeyJson>();
  };
  const monitorsWith = (token: string) => call(up, "GET", `${API}/monitors`, undefined, bearer(token));

  it("shows the token once; lists and reads show only its prefix, and the row keeps only a hash", async () => {
    const made = await createKey({ name: "ci", scopes: ["monitors:write", "monitors:read"] });
    const token = made.token!;
    expect(token).toMatch(TOKEN);
    expect(made).toMatchObject({
      name: "ci",
      prefix: token.slice(0, 12),
      scopes: ["monitors:read", "monitors:write"],
      createdBy: { id: admin.userId, email: admin.email },
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      status: "active",
    });
    expect((await monitorsWith(token)).statusCode).toBe(200);

    const secretPart = token.slice(12);
    const list = await call(up, "GET", `${API}/api-keys`, undefined, admin.headers);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(secretPart);
    const listed = list.json<{ items: KeyJson[] }>().items.find((k) => k.id === made.id);
    expect(listed).toMatchObject({ prefix: made.prefix, status: "active" });
    expect(listed).not.toHaveProperty("token");
    const read = await call(up, "GET", `${API}/api-keys/${made.id}`, undefined, admin.headers);
    expect(read.body).not.toContain(secretPart);
    expect(read.json()).not.toHaveProperty("token");

    const row = await up.rt.db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", made.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secretPart);
    expect(row.lookup).toBe(made.prefix);
    expect(row.secret_hash).toBe(createHash("sha256").update(token).digest("hex"));
  });

  it("refuses malformed keys and bad checksums as malformed, before any lookup", async () => {
    const good = await apiKeyFor(admin, ["monitors:read"]);
    const last = good.at(-1) === "A" ? "B" : "A";
    const malformed = [
      "upb_",
      good.slice(0, -1),
      `${good}x`,
      `${good.slice(0, -1)}!`,
      `${good.slice(0, 20)}-${good.slice(21)}`,
      `${good.slice(0, -1)}${last}`,
      `upb_${good.slice(4, 10) === "AAAAAA" ? "BBBBBB" : "AAAAAA"}${good.slice(10)}`,
    ];
    for (const token of malformed) {
      const body = expectProblem(await monitorsWith(token), 401, "UNAUTHENTICATED");
      expect(body.detail, token).toBe("The API key is malformed");
    }
    // A well-formed key with a valid checksum is looked up, and found in no organization.
    const unknown = expectProblem(await monitorsWith(generateApiKey().token), 401, "UNAUTHENTICATED");
    expect(unknown.detail).toBe("The API key is not valid");
    // Another prefix is no API key at all: it fails as a bearer token.
    for (const token of [`upx_${good.slice(4)}`, `UPB_${good.slice(4)}`, good.slice(4)]) {
      expectProblem(await monitorsWith(token), 401, "UNAUTHENTICATED");
    }
    expect((await monitorsWith(good)).statusCode).toBe(200);
  });

  it("a revoked key fails at once; revoking again changes nothing", async () => {
    const made = await createKey({ name: "to revoke", scopes: ["monitors:read"] });
    expect((await monitorsWith(made.token!)).statusCode).toBe(200);
    const res = await call(up, "POST", `${API}/api-keys/${made.id}/revoke`, undefined, admin.headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<KeyJson>()).toMatchObject({
      id: made.id,
      status: "revoked",
      revokedAt: expect.any(String),
    });
    expectProblem(await monitorsWith(made.token!), 401, "UNAUTHENTICATED");

    const again = await call(up, "POST", `${API}/api-keys/${made.id}/revoke`, undefined, admin.headers);
    expect(again.json<KeyJson>().revokedAt).toBe(res.json<KeyJson>().revokedAt);
    const rows = await up.rt.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", made.id)
      .orderBy("id")
      .execute();
    expect(rows.map((r) => r.action)).toEqual(["api_key.create", "api_key.revoke"]);
  });

  it("an expired key fails as soon as its time has come, and is listed as expired", async () => {
    const expiresAt = new Date(clock.now() + 60_000).toISOString();
    const made = await createKey({ name: "short-lived", scopes: ["monitors:read"], expiresAt });
    expect(made.expiresAt).toBe(expiresAt);
    expect((await monitorsWith(made.token!)).statusCode).toBe(200);
    clock.advance(60_000);
    expectProblem(await monitorsWith(made.token!), 401, "UNAUTHENTICATED");
    expect((await readKey(made.id)).status).toBe("expired");
    const rotate = await call(up, "POST", `${API}/api-keys/${made.id}/rotate`, undefined, admin.headers);
    expectProblem(rotate, 409, "CONFLICT");
  });

  it("validates the body: scopes from the list, at least one, no repeats; a future expiry", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: "x", scopes: [] }, "body.scopes"],
      [{ name: "x", scopes: ["monitors:read", "monitors:read"] }, "body.scopes"],
      [{ name: "x", scopes: ["org:owner"] }, "body.scopes.0"],
      [{ name: "x", scopes: ["everything"] }, "body.scopes.0"],
      [{ name: "", scopes: ["monitors:read"] }, "body.name"],
      [{ name: "a\u202eb", scopes: ["monitors:read"] }, "body.name"],
      [{ name: "x", scopes: ["monitors:read"], expiresAt: "tomorrow" }, "body.expiresAt"],
      [
        { name: "x", scopes: ["monitors:read"], expiresAt: new Date(clock.now() - 1000).toISOString() },
        "body.expiresAt",
      ],
      [{ name: "x", scopes: ["monitors:read"], token: "upb_mine" }, "body.token"],
    ];
    for (const [body, path] of cases) {
      const res = await call(up, "POST", `${API}/api-keys`, body, admin.headers);
      const problem = expectProblem(res, 400, "VALIDATION");
      expect(
        problem.errors.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
  });

  it("a missing scope is 403 on every route that needs it", async () => {
    const reader = await apiKeyFor(admin, ["monitors:read"]);
    expectProblem(
      await call(up, "POST", `${API}/monitors`, monitorBody("tcp"), bearer(reader)),
      403,
      "FORBIDDEN",
    );
    expectProblem(await call(up, "GET", `${API}/api-keys`, undefined, bearer(reader)), 403, "FORBIDDEN");
    expectProblem(await call(up, "GET", `${API}/audit-log`, undefined, bearer(reader)), 403, "FORBIDDEN");
    const viewer = await signInAs(up, "viewer");
    expectProblem(await call(up, "GET", `${API}/api-keys`, undefined, viewer.headers), 403, "FORBIDDEN");
  });

  it("a key of another organization reaches nothing here: 404, as for an id that does not exist", async () => {
    const mine = await createMonitor(up, monitorBody("tcp", { name: "ours" }));
    const myKey = await createKey({ name: "ours", scopes: ["monitors:read"] });
    const other = await otherOrganization(up);
    const theirs = await apiKeyFor(other, ["monitors:read", "monitors:write", "org:admin"]);

    const missing = await call(
      up,
      "GET",
      `${API}/monitors/mon_00000000000000000000000000`,
      undefined,
      bearer(theirs),
    );
    const foreign = await call(up, "GET", `${API}/monitors/${mine.id}`, undefined, bearer(theirs));
    expectProblem(foreign, 404, "NOT_FOUND");
    expect(foreign.json().title).toBe(missing.json().title);
    const listed = await call(up, "GET", `${API}/monitors`, undefined, bearer(theirs));
    expect(listed.json<{ items: unknown[] }>().items).toEqual([]);
    expectProblem(
      await call(up, "DELETE", `${API}/monitors/${mine.id}`, undefined, bearer(theirs)),
      404,
      "NOT_FOUND",
    );

    for (const [method, url] of [
      ["GET", `${API}/api-keys/${myKey.id}`],
      ["POST", `${API}/api-keys/${myKey.id}/revoke`],
      ["POST", `${API}/api-keys/${myKey.id}/rotate`],
    ] as const) {
      expectProblem(await call(up, method, url, undefined, other.headers), 404, "NOT_FOUND");
    }
    const theirList = await call(up, "GET", `${API}/api-keys`, undefined, other.headers);
    expect(theirList.json<{ items: KeyJson[] }>().items.map((k) => k.id)).not.toContain(myKey.id);
    expect((await monitorsWith(myKey.token!)).statusCode).toBe(200);
  });

  it("refuses a key in the query string and never writes it to the log", async () => {
    const token = await apiKeyFor(admin, ["monitors:read"]);
    for (const query of [`api_key=${token}`, `apikey=${token}`, `token=${token}`, `q=${token}`]) {
      const res = await call(up, "GET", `${API}/monitors?${query}`, undefined, { authorization: "" });
      expectProblem(res, 400, "VALIDATION");
      // Even with a good header the URL's key is refused, so it never becomes a habit.
      expectProblem(
        await call(up, "GET", `${API}/monitors?${query}`, undefined, bearer(token)),
        400,
        "VALIDATION",
      );
    }
    const logged = JSON.stringify(up.logs);
    expect(logged).not.toContain(token.slice(12));
    expect(logged).not.toContain("upb_");
  });

  it("a key never exceeds its creator's role: editors make none, a demoted admin's key shrinks at once", async () => {
    const editor = await signInAs(up, "editor");
    for (const scopes of [["org:admin"], ["monitors:read"]]) {
      const res = await call(up, "POST", `${API}/api-keys`, { name: "mine", scopes }, editor.headers);
      expectProblem(res, 403, "FORBIDDEN");
    }

    const boss = await signInAs(up, "admin");
    const made = await createKey({ name: "admin key", scopes: ["org:admin", "monitors:read"] }, boss);
    const keys = () => call(up, "GET", `${API}/api-keys`, undefined, bearer(made.token!));
    expect((await keys()).statusCode).toBe(200);

    await up.rt.db
      .updateTable("memberships")
      .set({ role: "editor" })
      .where("organization_id", "=", up.organizationId)
      .where("user_id", "=", boss.userId)
      .execute();
    expectProblem(await keys(), 403, "FORBIDDEN");
    expect((await monitorsWith(made.token!)).statusCode).toBe(200);

    await up.rt.db
      .deleteFrom("memberships")
      .where("organization_id", "=", up.organizationId)
      .where("user_id", "=", boss.userId)
      .execute();
    expectProblem(await monitorsWith(made.token!), 401, "UNAUTHENTICATED");
  });

  it("a key cannot create or rotate keys, even with org:admin", async () => {
    const created = await call(up, "POST", `${API}/api-keys`, { name: "child", scopes: ["monitors:read"] });
    expectProblem(created, 403, "FORBIDDEN");
    const target = await createKey({ name: "rotated by a key?", scopes: ["monitors:read"] });
    expectProblem(await call(up, "POST", `${API}/api-keys/${target.id}/rotate`), 403, "FORBIDDEN");
    expect((await monitorsWith(target.token!)).statusCode).toBe(200);
  });

  it("rotation: a new token with the same name, scopes and expiry; the old one dies at once", async () => {
    const expiresAt = new Date(clock.now() + 86_400_000).toISOString();
    const old = await createKey({ name: "deploys", scopes: ["monitors:read", "incidents:read"], expiresAt });
    const res = await call(up, "POST", `${API}/api-keys/${old.id}/rotate`, undefined, admin.headers);
    expect(res.statusCode, res.body).toBe(201);
    const fresh = res.json<KeyJson>();
    expect(fresh.token).toMatch(TOKEN);
    expect(fresh.token).not.toBe(old.token);
    expect(fresh.id).not.toBe(old.id);
    expect(fresh).toMatchObject({ name: "deploys", scopes: old.scopes, expiresAt, status: "active" });
    expect(res.headers.location).toBe(`/api/v1/api-keys/${fresh.id}`);

    expectProblem(await monitorsWith(old.token!), 401, "UNAUTHENTICATED");
    expect((await monitorsWith(fresh.token!)).statusCode).toBe(200);
    expect((await readKey(old.id)).status).toBe("revoked");
    expectProblem(
      await call(up, "POST", `${API}/api-keys/${old.id}/rotate`, undefined, admin.headers),
      409,
      "CONFLICT",
    );
    const audit = await up.rt.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "api_key.rotate")
      .where("target_id", "=", old.id)
      .execute();
    expect(audit.map((a) => a.summary)).toEqual([{ newKeyId: fresh.id, newPrefix: fresh.prefix }]);
  });

  it("records when and from where a key was last used", async () => {
    const made = await createKey({ name: "used", scopes: ["monitors:read"] });
    expect((await readKey(made.id)).lastUsedAt).toBeNull();
    const res = await up.app!.inject({
      method: "GET",
      url: `${API}/monitors`,
      headers: bearer(made.token!),
      remoteAddress: "203.0.113.7",
    });
    expect(res.statusCode).toBe(200);
    const used = await readKey(made.id);
    expect(used.lastUsedIp).toBe("203.0.113.7");
    expect(used.lastUsedAt).toBe(new Date(clock.now()).toISOString());
  });
});
