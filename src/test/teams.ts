/** Test helpers for organizations with several members; not a test file itself. */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { Role } from "../domain/permissions.ts";
import { otherOrganization, signInAs, TEST_PASSWORD, type TestUser } from "./accounts.ts";
import { API, call } from "./api-helpers.ts";
import type { TestUpblit } from "./upblit.ts";

export interface Team {
  organizationId: string;
  name: string;
  /** Its only owner, signed in. */
  owner: TestUser;
  /** One signed-in person per role asked for, in order. */
  members: TestUser[];
}

/** A fresh organization with one owner and a member of each given role, all signed in. */
export async function makeTeam(up: TestUpblit, ...roles: Role[]): Promise<Team> {
  const name = `Team ${randomUUID().slice(0, 8)}`;
  const owner = await otherOrganization(up, name);
  const members: TestUser[] = [];
  for (const role of roles) members.push(await signInAs(up, role, { organizationId: owner.organizationId }));
  return { organizationId: owner.organizationId, name, owner, members };
}

/** Signs `user` in again: a second session, in their first organization. */
export async function newSession(up: TestUpblit, user: TestUser): Promise<Record<string, string>> {
  const res = await call(
    up,
    "POST",
    `${API}/auth/login`,
    { email: user.email, password: TEST_PASSWORD },
    { authorization: "" },
  );
  expect(res.statusCode, res.body).toBe(200);
  return { authorization: `Bearer ${res.json<{ accessToken: string }>().accessToken}` };
}

/** The role `userId` holds in the organization now, or null when they are not a member. */
export async function roleIn(up: TestUpblit, organizationId: string, userId: string): Promise<string | null> {
  const row = await up.rt.db
    .selectFrom("memberships")
    .select("role")
    .where("organization_id", "=", organizationId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

/** Audit rows of one action about one organization (or, with null, outside any). */
export async function auditRows(up: TestUpblit, organizationId: string | null, action: string) {
  let q = up.rt.db.selectFrom("audit_log").selectAll().where("action", "=", action);
  q =
    organizationId === null
      ? q.where("organization_id", "is", null)
      : q.where("organization_id", "=", organizationId);
  return q.orderBy("id").execute();
}
