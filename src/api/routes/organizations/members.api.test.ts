import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES } from "../../../domain/permissions.ts";
import { addMembership } from "../../../services/accounts/users.ts";
import { apiKeyFor, type TestUser } from "../../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  expectProblem,
  expectValidation,
  monitorBody,
  type ProblemBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { auditRows, makeTeam, newSession, roleIn } from "../../../test/teams.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface MemberJson {
  userId: string;
  email: string;
  name: string;
  role: string;
  joinedAt: string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(DB_KINDS)("members and roles on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => {
    await up?.close();
  });

  const patchRole = (headers: Record<string, string>, userId: string, role: unknown) =>
    call(up, "PATCH", `${API}/members/${userId}`, { role }, headers);
  const remove = (headers: Record<string, string>, userId: string) =>
    call(up, "DELETE", `${API}/members/${userId}`, undefined, headers);
  const leave = (headers: Record<string, string>) =>
    call(up, "POST", `${API}/members/me/leave`, undefined, headers);
  const me = (headers: Record<string, string>) => call(up, "GET", `${API}/me`, undefined, headers);

  it("lists members with email, name, role and joined at, page by page, and nothing more", async () => {
    const team = await makeTeam(up, "admin", "viewer");
    const [admin, viewer] = team.members;
    const res = await call(up, "GET", `${API}/members`, undefined, viewer!.headers);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: MemberJson[] }>().items;
    expect(items.map((m) => [m.userId, m.email, m.role])).toEqual(
      [team.owner, admin!, viewer!].map((u) => [u.userId, u.email, u.role]),
    );
    for (const m of items) {
      expect(Object.keys(m).sort()).toEqual(["email", "joinedAt", "name", "role", "userId"]);
      expect(Number.isNaN(Date.parse(m.joinedAt))).toBe(false);
    }

    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page = await call(
        up,
        "GET",
        `${API}/members?limit=1${cursor ? `&cursor=${cursor}` : ""}`,
        undefined,
        viewer!.headers,
      );
      const body = page.json<{ items: MemberJson[]; nextCursor: string | null }>();
      expect(body.items).toHaveLength(1);
      seen.push(body.items[0]!.userId);
      cursor = body.nextCursor;
    }
    expect(seen).toEqual(items.map((m) => m.userId));

    const monitorsOnly = await apiKeyFor(team.owner, ["monitors:read"]);
    expectProblem(await call(up, "GET", `${API}/members`, undefined, bearer(monitorsOnly)), 403, "FORBIDDEN");
    expectProblem(
      await call(up, "GET", `${API}/members`, undefined, { authorization: "" }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("nobody changes their own role, by session or by their own key, whatever the role asked", async () => {
    const team = await makeTeam(up, "admin", "editor", "viewer");
    const [admin, editor, viewer] = team.members;
    const adminKey = bearer(await apiKeyFor(admin!, ["org:admin", "members:read"]));
    const ownerKey = bearer(await apiKeyFor(team.owner, [...SCOPES]));
    const attempts: Array<[Record<string, string>, TestUser, string]> = [
      [viewer!.headers, viewer!, "owner"],
      [viewer!.headers, viewer!, "editor"],
      [editor!.headers, editor!, "admin"],
      [admin!.headers, admin!, "owner"],
      [admin!.headers, admin!, "admin"],
      [adminKey, admin!, "owner"],
      [team.owner.headers, team.owner, "viewer"],
      [ownerKey, team.owner, "admin"],
    ];
    for (const [headers, self, role] of attempts) {
      expectProblem(await patchRole(headers, self.userId, role), 403, "FORBIDDEN");
    }
    // Mass assignment: the body takes a role and nothing else, and only the four roles.
    expectValidation(await patchRole(admin!.headers, viewer!.userId, "superuser"), ["body.role"]);
    const extra = await call(
      up,
      "PATCH",
      `${API}/members/${viewer!.userId}`,
      { role: "editor", userId: admin!.userId, organizationId: "org_x" },
      admin!.headers,
    );
    expectValidation(extra, ["body.userId", "body.organizationId"]);
    // `me` is not a member id: no route lets a member set their own role.
    expectProblem(await patchRole(admin!.headers, "me", "owner"), 404, "NOT_FOUND");

    for (const u of [team.owner, admin!, editor!, viewer!]) {
      expect(await roleIn(up, team.organizationId, u.userId)).toBe(u.role);
    }
    expect(await auditRows(up, team.organizationId, "member.role_change")).toEqual([]);
  });

  it("only an owner signed in makes or unmakes an owner; admins set roles up to admin", async () => {
    const team = await makeTeam(up, "admin", "admin", "editor");
    const [admin, admin2, editor] = team.members;
    const adminKey = bearer(await apiKeyFor(admin!, ["org:admin", "members:read"]));
    const ownerKey = bearer(await apiKeyFor(team.owner, [...SCOPES]));
    for (const headers of [admin!.headers, adminKey, ownerKey]) {
      expectProblem(await patchRole(headers, editor!.userId, "owner"), 403, "FORBIDDEN");
      expectProblem(await patchRole(headers, team.owner.userId, "viewer"), 403, "FORBIDDEN");
      expectProblem(await patchRole(headers, team.owner.userId, "admin"), 403, "FORBIDDEN");
      expectProblem(await remove(headers, team.owner.userId), 403, "FORBIDDEN");
    }
    expect(await roleIn(up, team.organizationId, team.owner.userId)).toBe("owner");
    expect(await roleIn(up, team.organizationId, editor!.userId)).toBe("editor");

    const up1 = await patchRole(admin!.headers, editor!.userId, "admin");
    expect(up1.statusCode, up1.body).toBe(200);
    expect(up1.json<MemberJson>()).toMatchObject({ userId: editor!.userId, role: "admin" });
    expect((await patchRole(adminKey, admin2!.userId, "editor")).statusCode).toBe(200);
    expect(await roleIn(up, team.organizationId, admin2!.userId)).toBe("editor");

    const promoted = await patchRole(team.owner.headers, editor!.userId, "owner");
    expect(promoted.statusCode, promoted.body).toBe(200);
    // The new owner's sessions here ended with the change; a fresh one acts as owner.
    const newOwner = await newSession(up, editor!);
    const demoted = await patchRole(newOwner, team.owner.userId, "admin");
    expect(demoted.statusCode, demoted.body).toBe(200);
    expect(await roleIn(up, team.organizationId, team.owner.userId)).toBe("admin");

    const rows = await auditRows(up, team.organizationId, "member.role_change");
    expect(rows.map((r) => [r.actor_type, r.target_id, r.summary.from, r.summary.to])).toEqual([
      ["user", editor!.userId, "editor", "admin"],
      ["api_key", admin2!.userId, "admin", "editor"],
      ["user", editor!.userId, "admin", "owner"],
      ["user", team.owner.userId, "owner", "admin"],
    ]);
  });

  it("the last owner can never be demoted, removed or leave", async () => {
    const team = await makeTeam(up, "admin");
    const [admin] = team.members;
    const ownerKey = bearer(await apiKeyFor(team.owner, [...SCOPES]));
    expectProblem(await patchRole(team.owner.headers, team.owner.userId, "admin"), 403, "FORBIDDEN");
    expectProblem(await patchRole(admin!.headers, team.owner.userId, "admin"), 403, "FORBIDDEN");
    expectProblem(await remove(team.owner.headers, team.owner.userId), 403, "FORBIDDEN");
    expectProblem(await remove(admin!.headers, team.owner.userId), 403, "FORBIDDEN");
    expectProblem(await remove(ownerKey, team.owner.userId), 403, "FORBIDDEN");
    expectProblem(await leave(ownerKey), 403, "FORBIDDEN");
    const last = expectProblem(await leave(team.owner.headers), 409, "CONFLICT");
    expect(last.detail).toMatch(/last owner/);
    expect(await roleIn(up, team.organizationId, team.owner.userId)).toBe("owner");

    // With a second owner the first may leave; then the second is the last one.
    expect((await patchRole(team.owner.headers, admin!.userId, "owner")).statusCode).toBe(200);
    const secondOwner = await newSession(up, admin!);
    const left = await leave(team.owner.headers);
    expect(left.statusCode, left.body).toBe(204);
    expectProblem(await leave(secondOwner), 409, "CONFLICT");
    expect(await roleIn(up, team.organizationId, admin!.userId)).toBe("owner");
  });

  it("an owner hands the ownership to a member in one step and becomes admin", async () => {
    const team = await makeTeam(up, "admin", "viewer");
    const [admin, viewer] = team.members;
    const transfer = (headers: Record<string, string>, userId: string) =>
      call(up, "POST", `${API}/members/${userId}/transfer-ownership`, undefined, headers);
    const ownerKey = bearer(await apiKeyFor(team.owner, [...SCOPES]));

    expectProblem(await transfer(admin!.headers, viewer!.userId), 403, "FORBIDDEN");
    expectProblem(await transfer(ownerKey, viewer!.userId), 403, "FORBIDDEN");
    expectProblem(await transfer(team.owner.headers, team.owner.userId), 409, "CONFLICT");
    expectProblem(await transfer(team.owner.headers, "usr_nobody"), 404, "NOT_FOUND");
    expect(await roleIn(up, team.organizationId, team.owner.userId)).toBe("owner");

    const res = await transfer(team.owner.headers, viewer!.userId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<MemberJson>()).toMatchObject({ userId: viewer!.userId, role: "owner" });
    expect(await roleIn(up, team.organizationId, viewer!.userId)).toBe("owner");
    expect(await roleIn(up, team.organizationId, team.owner.userId)).toBe("admin");
    expect(await roleIn(up, team.organizationId, admin!.userId)).toBe("admin");
    // The former owner is an admin now, from their very next request.
    expectProblem(await transfer(team.owner.headers, admin!.userId), 403, "FORBIDDEN");
    const rows = await auditRows(up, team.organizationId, "member.ownership_transfer");
    expect(rows.map((r) => [r.actor_id, r.target_id])).toEqual([[team.owner.userId, viewer!.userId]]);
  });

  it("two owners demoting each other at once leave exactly one owner", async () => {
    const team = await makeTeam(up, "owner");
    const [second] = team.members;
    const [a, b] = await Promise.all([
      patchRole(team.owner.headers, second!.userId, "viewer"),
      patchRole(second!.headers, team.owner.userId, "viewer"),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    expect(statuses[0]).toBe(200);
    expect([401, 403]).toContain(statuses[1]);
    const owners = await up.rt.db
      .selectFrom("memberships")
      .select("user_id")
      .where("organization_id", "=", team.organizationId)
      .where("role", "=", "owner")
      .execute();
    expect(owners).toHaveLength(1);
  });

  it("a demoted person's sessions here end at once; the new role applies from the next request", async () => {
    const team = await makeTeam(up, "editor");
    const [editor] = team.members;
    const second = await newSession(up, editor!);
    expect((await call(up, "POST", `${API}/monitors`, monitorBody("http"), second)).statusCode).toBe(201);

    const res = await patchRole(team.owner.headers, editor!.userId, "viewer");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<MemberJson>().role).toBe("viewer");
    for (const headers of [editor!.headers, second]) expectProblem(await me(headers), 401, "UNAUTHENTICATED");
    const refresh = await call(
      up,
      "POST",
      `${API}/auth/refresh`,
      { refreshToken: editor!.refreshToken },
      { authorization: "" },
    );
    expectProblem(refresh, 401, "UNAUTHENTICATED");

    const fresh = await newSession(up, editor!);
    expect((await call(up, "GET", `${API}/monitors`, undefined, fresh)).statusCode).toBe(200);
    expectProblem(await call(up, "POST", `${API}/monitors`, monitorBody("http"), fresh), 403, "FORBIDDEN");
    const rows = await auditRows(up, team.organizationId, "member.role_change");
    expect(rows.map((r) => [r.actor_id, r.target_id, r.summary])).toEqual([
      [
        team.owner.userId,
        editor!.userId,
        { email: editor!.email, from: "editor", to: "viewer", sessionsEnded: 2 },
      ],
    ]);
  });

  it("an admin's key shrinks when they are demoted and is refused once they are removed", async () => {
    const team = await makeTeam(up, "admin", "viewer");
    const [admin, viewer] = team.members;
    const key = bearer(await apiKeyFor(admin!, ["org:admin", "members:read", "monitors:write"]));
    const rename = (name: string) => call(up, "PATCH", `${API}/organization`, { name }, key);
    expect((await rename("Before")).statusCode).toBe(200);
    expect((await patchRole(key, viewer!.userId, "editor")).statusCode).toBe(200);

    expect((await patchRole(team.owner.headers, admin!.userId, "viewer")).statusCode).toBe(200);
    expectProblem(await rename("After"), 403, "FORBIDDEN");
    expectProblem(await patchRole(key, viewer!.userId, "viewer"), 403, "FORBIDDEN");
    expectProblem(await remove(key, viewer!.userId), 403, "FORBIDDEN");
    expectProblem(await call(up, "POST", `${API}/monitors`, monitorBody("http"), key), 403, "FORBIDDEN");
    expect((await call(up, "GET", `${API}/members`, undefined, key)).statusCode).toBe(200);
    expect(await roleIn(up, team.organizationId, viewer!.userId)).toBe("editor");

    expect((await remove(team.owner.headers, admin!.userId)).statusCode).toBe(204);
    expectProblem(await call(up, "GET", `${API}/members`, undefined, key), 401, "UNAUTHENTICATED");
    // Revoked, not only orphaned: joining again does not bring the key back.
    await addMembership(up.rt.db, team.organizationId, admin!.userId, "admin", up.rt.clock.now());
    expectProblem(await call(up, "GET", `${API}/members`, undefined, key), 401, "UNAUTHENTICATED");
  });

  it("a removed person's sessions here end at once; their session in another organization keeps working", async () => {
    const team = await makeTeam(up, "admin", "editor");
    const [admin, editor] = team.members;
    const elsewhere = await makeTeam(up);
    await addMembership(up.rt.db, elsewhere.organizationId, editor!.userId, "viewer", up.rt.clock.now());
    const there = await newSession(up, editor!);
    const sw = await call(
      up,
      "POST",
      `${API}/auth/switch-organization`,
      { organizationId: elsewhere.organizationId },
      there,
    );
    expect(sw.statusCode, sw.body).toBe(200);
    const editorKey = bearer(await apiKeyFor(editor!, ["monitors:read"]));

    const res = await remove(admin!.headers, editor!.userId);
    expect(res.statusCode, res.body).toBe(204);
    expectProblem(await me(editor!.headers), 401, "UNAUTHENTICATED");
    expectProblem(await call(up, "GET", `${API}/monitors`, undefined, editorKey), 401, "UNAUTHENTICATED");
    const other = await call(up, "GET", `${API}/organization`, undefined, there);
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json<{ id: string }>().id).toBe(elsewhere.organizationId);
    expect(await roleIn(up, team.organizationId, editor!.userId)).toBeNull();
    expect(await roleIn(up, elsewhere.organizationId, editor!.userId)).toBe("viewer");

    // Removing again, or removing oneself, is refused.
    expectProblem(await remove(admin!.headers, editor!.userId), 404, "NOT_FOUND");
    expectProblem(await remove(admin!.headers, admin!.userId), 403, "FORBIDDEN");
    const rows = await auditRows(up, team.organizationId, "member.remove");
    expect(rows.map((r) => [r.actor_id, r.target_id, r.summary])).toEqual([
      [
        admin!.userId,
        editor!.userId,
        { email: editor!.email, role: "editor", sessionsEnded: 1, apiKeysRevoked: 1, invitationsRevoked: 0 },
      ],
    ]);
  });

  it("a member leaves with their own session; an API key cannot leave for them", async () => {
    const team = await makeTeam(up, "editor");
    const [editor] = team.members;
    const key = bearer(await apiKeyFor(editor!, ["members:read", "monitors:read"]));
    expectProblem(await leave(key), 403, "FORBIDDEN");
    expect(await roleIn(up, team.organizationId, editor!.userId)).toBe("editor");

    const res = await leave(editor!.headers);
    expect(res.statusCode, res.body).toBe(204);
    // Still signed in, acting in no organization until they switch.
    const who = await me(editor!.headers);
    expect(who.statusCode, who.body).toBe(200);
    expect(who.json()).toMatchObject({ currentOrganizationId: null, organizations: [] });
    expectProblem(await call(up, "GET", `${API}/monitors`, undefined, editor!.headers), 403, "FORBIDDEN");
    expectProblem(await call(up, "GET", `${API}/members`, undefined, key), 401, "UNAUTHENTICATED");
    const members = await call(up, "GET", `${API}/members`, undefined, team.owner.headers);
    expect(members.json<{ items: MemberJson[] }>().items.map((m) => m.userId)).toEqual([team.owner.userId]);
    const rows = await auditRows(up, team.organizationId, "member.leave");
    expect(rows.map((r) => [r.actor_id, r.target_id, r.summary])).toEqual([
      [
        editor!.userId,
        editor!.userId,
        { email: editor!.email, role: "editor", apiKeysRevoked: 1, invitationsRevoked: 0 },
      ],
    ]);
  });

  it("a member of another organization and a nonexistent id both give 404 with the same body", async () => {
    const team = await makeTeam(up, "viewer");
    const other = await makeTeam(up, "editor");
    const foreign = other.members[0]!.userId;
    const missing = "usr_0000000000000000000000zzzz";
    const normalised = (body: ProblemBody, id: string) => ({
      ...body,
      requestId: "",
      detail: body.detail?.replace(id, "<id>"),
    });
    const shapes = [];
    for (const id of [foreign, missing, other.owner.userId, up.ownerId]) {
      const patched = expectProblem(await patchRole(team.owner.headers, id, "viewer"), 404, "NOT_FOUND");
      const removed = expectProblem(await remove(team.owner.headers, id), 404, "NOT_FOUND");
      shapes.push(normalised(patched, id), normalised(removed, id));
    }
    for (const shape of shapes) expect(shape).toEqual(shapes[0]);
    expect(await roleIn(up, other.organizationId, foreign)).toBe("editor");
    expect(await roleIn(up, other.organizationId, other.owner.userId)).toBe("owner");
    expect(await roleIn(up, up.organizationId, up.ownerId)).toBe("owner");
  });
});
