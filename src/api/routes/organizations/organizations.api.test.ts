import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES } from "../../../domain/permissions.ts";
import { MAX_ORGANIZATIONS_PER_PERSON } from "../../../services/accounts/organizations.ts";
import { apiKeyFor, signInAs } from "../../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  expectProblem,
  expectValidation,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { auditRows, makeTeam, newSession } from "../../../test/teams.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface OrganizationJson {
  id: string;
  name: string;
  createdAt: string;
  memberCount: number;
  role?: string;
}

describe.each(DB_KINDS)("organizations on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => {
    await up?.close();
  });

  it("a signed-in person creates an organization, owns it and can switch their session to it", async () => {
    const person = await signInAs(up, "editor");
    const res = await call(up, "POST", `${API}/organizations`, { name: "  New Co  " }, person.headers);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<OrganizationJson>();
    expect(created).toMatchObject({ name: "New Co", role: "owner", memberCount: 1 });
    expect(created.id).toMatch(/^org_[0-9a-z]{26}$/);

    // The session keeps acting where it was until the person switches.
    const before = await call(up, "GET", `${API}/organization`, undefined, person.headers);
    expect(before.json<OrganizationJson>().id).toBe(up.organizationId);
    const sw = await call(
      up,
      "POST",
      `${API}/auth/switch-organization`,
      { organizationId: created.id },
      person.headers,
    );
    expect(sw.statusCode, sw.body).toBe(200);
    expect(sw.json()).toEqual({ organizationId: created.id, role: "owner" });
    const after = await call(up, "GET", `${API}/organization`, undefined, person.headers);
    expect(after.json<OrganizationJson>()).toMatchObject({ id: created.id, name: "New Co", memberCount: 1 });
    const members = await call(up, "GET", `${API}/members`, undefined, person.headers);
    expect(members.json<{ items: Array<{ userId: string; role: string }> }>().items).toEqual([
      expect.objectContaining({ userId: person.userId, role: "owner" }),
    ]);

    const rows = await auditRows(up, created.id, "organization.create");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_type: "user", actor_id: person.userId, target_id: created.id });
    expect(rows[0]?.summary).toEqual({ name: "New Co" });
  });

  it("creating is for people: API keys get 403, no credential 401, and the body is strict", async () => {
    expectProblem(await call(up, "POST", `${API}/organizations`, { name: "By key" }), 403, "FORBIDDEN");
    expectProblem(
      await call(up, "POST", `${API}/organizations`, { name: "Nobody" }, { authorization: "" }),
      401,
      "UNAUTHENTICATED",
    );
    const person = await signInAs(up, "viewer");
    const post = (body: unknown) => call(up, "POST", `${API}/organizations`, body, person.headers);
    expectValidation(await post({ name: "Mine", role: "viewer", id: "org_x" }), ["body.role", "body.id"]);
    expectValidation(await post({ name: "   " }), ["body.name"]);
    expectValidation(await post({ name: "evil\u202etxt" }), ["body.name"]);
    expectValidation(await post({ name: "line\nbreak" }), ["body.name"]);
    expectValidation(await post({ name: "x".repeat(101) }), ["body.name"]);
    const mine = await up.rt.db
      .selectFrom("memberships")
      .select("organization_id")
      .where("user_id", "=", person.userId)
      .execute();
    expect(mine).toEqual([{ organization_id: up.organizationId }]);
  });

  it(`one person belongs to at most ${MAX_ORGANIZATIONS_PER_PERSON} organizations`, async () => {
    const team = await makeTeam(up);
    const post = (i: number) =>
      call(up, "POST", `${API}/organizations`, { name: `Loop ${i}` }, team.owner.headers);
    for (let i = 1; i < MAX_ORGANIZATIONS_PER_PERSON; i++) expect((await post(i)).statusCode).toBe(201);
    expectProblem(await post(MAX_ORGANIZATIONS_PER_PERSON), 429, "LIMIT_EXCEEDED");
    const held = await up.rt.db
      .selectFrom("memberships")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("user_id", "=", team.owner.userId)
      .executeTakeFirstOrThrow();
    expect(Number(held.n)).toBe(MAX_ORGANIZATIONS_PER_PERSON);
  });

  it("every member reads the organization; only admins and owners rename it", async () => {
    const team = await makeTeam(up, "viewer", "editor", "admin");
    const [viewer, editor, admin] = team.members;
    const got = await call(up, "GET", `${API}/organization`, undefined, viewer!.headers);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json<OrganizationJson>()).toEqual({
      id: team.organizationId,
      name: team.name,
      createdAt: expect.any(String),
      memberCount: 4,
    });

    const rename = (headers: Record<string, string>, body: unknown) =>
      call(up, "PATCH", `${API}/organization`, body, headers);
    expectProblem(await rename(viewer!.headers, { name: "Mine now" }), 403, "FORBIDDEN");
    expectProblem(await rename(editor!.headers, { name: "Mine now" }), 403, "FORBIDDEN");
    const readOnlyKey = await apiKeyFor(team.owner, ["members:read"]);
    expectProblem(
      await rename({ authorization: `Bearer ${readOnlyKey}` }, { name: "Mine now" }),
      403,
      "FORBIDDEN",
    );
    // Mass assignment: nothing but the name can be set here.
    expectValidation(await rename(admin!.headers, { name: "Renamed", id: "org_other", role: "owner" }), [
      "body.id",
      "body.role",
    ]);
    expect(await auditRows(up, team.organizationId, "organization.rename")).toHaveLength(0);

    const ok = await rename(admin!.headers, { name: "Renamed" });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<OrganizationJson>().name).toBe("Renamed");
    const rows = await auditRows(up, team.organizationId, "organization.rename");
    expect(rows.map((r) => [r.actor_id, r.summary])).toEqual([
      [admin!.userId, { from: team.name, to: "Renamed" }],
    ]);
    // The same name again changes nothing and writes no audit row.
    expect((await rename(admin!.headers, { name: "Renamed" })).statusCode).toBe(200);
    expect(await auditRows(up, team.organizationId, "organization.rename")).toHaveLength(1);
  });

  it("deleting needs an owner signed in and the exact name; admins and every key get 403", async () => {
    const team = await makeTeam(up, "admin");
    const [admin] = team.members;
    const ownerKey = await apiKeyFor(team.owner, [...SCOPES]);
    const del = (headers: Record<string, string>, body: unknown) =>
      call(up, "DELETE", `${API}/organization`, body, headers);

    expectProblem(await del(admin!.headers, { confirm: team.name }), 403, "FORBIDDEN");
    expectProblem(
      await del({ authorization: `Bearer ${ownerKey}` }, { confirm: team.name }),
      403,
      "FORBIDDEN",
    );
    for (const confirm of [
      "wrong",
      team.name.toUpperCase(),
      ` ${team.name}`,
      `${team.name} `,
      team.name.slice(1),
    ]) {
      expectValidation(await del(team.owner.headers, { confirm }), ["body.confirm"]);
    }
    expectValidation(await del(team.owner.headers, {}), ["body.confirm"]);
    expectValidation(await del(team.owner.headers, { confirm: team.name, force: true }), ["body.force"]);

    const still = await call(up, "GET", `${API}/organization`, undefined, team.owner.headers);
    expect(still.json<OrganizationJson>().id).toBe(team.organizationId);
    expect(await auditRows(up, null, "organization.delete")).toHaveLength(0);
  });

  it("deleting removes everything in the organization and ends every session acting in it", async () => {
    const team = await makeTeam(up, "editor");
    const [editor] = team.members;
    const org = team.organizationId;
    const writerKey = await apiKeyFor(team.owner, ["monitors:write", "monitors:read"]);
    const key = { authorization: `Bearer ${writerKey}` };
    const made = await call(up, "POST", `${API}/monitors`, monitorBody("http"), key);
    expect(made.statusCode, made.body).toBe(201);
    const monitorId = made.json<{ id: string }>().id;
    await up.rt.db
      .insertInto("check_results")
      .values({
        organization_id: org,
        monitor_id: monitorId,
        region: "local",
        slot_at: new Date(),
        lateness_ms: 0,
        manual: true,
        status: "up",
        total_ms: 12,
      })
      .execute();
    // The editor also acts in the test owner's organization from a second session.
    await up.rt.db
      .insertInto("memberships")
      .values({
        organization_id: up.organizationId,
        user_id: editor!.userId,
        role: "viewer",
        created_at: new Date(),
      })
      .execute();
    const elsewhere = await newSession(up, editor!);
    const sw = await call(
      up,
      "POST",
      `${API}/auth/switch-organization`,
      { organizationId: up.organizationId },
      elsewhere,
    );
    expect(sw.statusCode, sw.body).toBe(200);

    const res = await call(up, "DELETE", `${API}/organization`, { confirm: team.name }, team.owner.headers);
    expect(res.statusCode, res.body).toBe(204);

    for (const headers of [team.owner.headers, editor!.headers]) {
      expectProblem(await call(up, "GET", `${API}/me`, undefined, headers), 401, "UNAUTHENTICATED");
    }
    expectProblem(await call(up, "GET", `${API}/monitors`, undefined, key), 401, "UNAUTHENTICATED");
    // A session acting in another organization is untouched.
    const other = await call(up, "GET", `${API}/organization`, undefined, elsewhere);
    expect(other.json<OrganizationJson>().id).toBe(up.organizationId);

    const db = up.rt.db;
    expect(await db.selectFrom("organizations").select("id").where("id", "=", org).execute()).toEqual([]);
    const leftovers = await Promise.all([
      db.selectFrom("monitors").select("id").where("organization_id", "=", org).execute(),
      db.selectFrom("memberships").select("user_id").where("organization_id", "=", org).execute(),
      db.selectFrom("api_keys").select("id").where("organization_id", "=", org).execute(),
      db.selectFrom("audit_log").select("id").where("organization_id", "=", org).execute(),
      db.selectFrom("check_history").select("slot_at").where("monitor_id", "=", monitorId).execute(),
    ]);
    expect(leftovers.map((rows) => rows.length)).toEqual([0, 0, 0, 0, 0]);
    // Recorded outside the organization, so it outlives it.
    const rows = await auditRows(up, null, "organization.delete");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_id: team.owner.userId,
      target_type: "organization",
      target_id: org,
    });
    expect(rows[0]?.summary).toMatchObject({ name: team.name, members: 2, monitors: 1, sessionsEnded: 2 });

    // The owner signs in again into no organization.
    const again = await newSession(up, team.owner);
    const me = await call(up, "GET", `${API}/me`, undefined, again);
    expect(me.json()).toMatchObject({ currentOrganizationId: null, organizations: [] });
  });
});
