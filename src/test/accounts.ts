/** Test helpers for people, organizations and credentials; not a test file itself. */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { Role, Scope } from "../domain/permissions.ts";
import { ROLE_PERMISSIONS } from "../domain/permissions.ts";
import { createUserWithRole } from "../services/accounts/users.ts";
import { createApiKey } from "../services/api-keys/api-keys.ts";
import type { Ctx } from "../services/context.ts";
import { API, call } from "./api-helpers.ts";
import type { TestUpblit } from "./upblit.ts";

export const TEST_PASSWORD = "correct horse battery";

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  organizationId: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
  /** `{ authorization: "Bearer <access token>" }` */
  headers: Record<string, string>;
  /** A service context acting as this person (audit rows name them). */
  ctx: Ctx;
}

export function uniqueEmail(tag = "user"): string {
  return `${tag}-${randomUUID().slice(0, 8)}@example.com`;
}

/**
 * Creates a person with `role` in an organization (the test owner's by default), then signs them
 * in through POST /auth/login like a client would.
 */
export async function signInAs(
  up: TestUpblit,
  role: Role,
  options: { organizationId?: string; email?: string } = {},
): Promise<TestUser> {
  const email = options.email ?? uniqueEmail(role);
  const organizationId = options.organizationId ?? up.organizationId;
  const { userId } = await createUserWithRole(up.rt, {
    email,
    password: TEST_PASSWORD,
    role,
    organizationId,
  });
  const res = await call(
    up,
    "POST",
    `${API}/auth/login`,
    { email, password: TEST_PASSWORD },
    { authorization: "" },
  );
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ accessToken: string; refreshToken: string }>();
  return {
    userId,
    email,
    password: TEST_PASSWORD,
    organizationId,
    role,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    headers: { authorization: `Bearer ${body.accessToken}` },
    ctx: {
      ...up.rt,
      organizationId,
      actor: { kind: "user", userId, email, sessionId: "", role, permissions: ROLE_PERMISSIONS[role] },
    },
  };
}

/** A second organization with its own owner, for tenant-isolation tests. */
export async function otherOrganization(up: TestUpblit, name = "Other"): Promise<TestUser> {
  const now = new Date(up.rt.clock.now());
  const organizationId = `org_${randomUUID().replaceAll("-", "").slice(0, 26)}`;
  await up.rt.db.insertInto("organizations").values({ id: organizationId, name, created_at: now }).execute();
  return signInAs(up, "owner", { organizationId });
}

/** An API key made by `user` with these scopes; returns the token. */
export async function apiKeyFor(user: TestUser, scopes: Scope[], expiresAt?: Date): Promise<string> {
  return (await createApiKey(user.ctx, { name: `key-${randomUUID().slice(0, 6)}`, scopes, expiresAt })).token;
}
