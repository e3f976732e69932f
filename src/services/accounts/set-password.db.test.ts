import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors.ts";
import { otherOrganization, signInAs } from "../../test/accounts.ts";
import { API, API_ONLY, call } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { setPasswordAsSystem } from "./set-password.ts";
import { addMembership } from "./users.ts";

const NEW_PASSWORD = "a brand new passphrase";

describe.each(DB_KINDS)("an operator sets a password (setPasswordAsSystem) on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  it("sets the password, ends every session, spends reset links, audits as system in each organization", async () => {
    const person = await signInAs(up, "editor");
    const other = await otherOrganization(up);
    await addMembership(up.rt.db, other.organizationId, person.userId, "viewer", up.rt.clock.now());
    const second = await signInAs(up, "viewer", { email: `again-${person.email}` });
    await up.rt.db
      .insertInto("user_tokens")
      .values({
        token_hash: "pending-reset-link",
        kind: "password_reset",
        user_id: person.userId,
        created_at: new Date(),
        expires_at: new Date(Date.now() + 3_600_000),
      })
      .execute();

    const done = await setPasswordAsSystem(up.rt, {
      email: person.email.toUpperCase(),
      password: NEW_PASSWORD,
    });
    expect(done).toEqual({ userId: person.userId, sessionsEnded: 1 });

    const refresh = await call(
      up,
      "POST",
      `${API}/auth/refresh`,
      { refreshToken: person.refreshToken },
      { authorization: "" },
    );
    expect(refresh.statusCode).toBe(401);
    const me = await call(up, "GET", `${API}/me`, undefined, person.headers);
    expect(me.statusCode).toBe(401);
    const oldLogin = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email: person.email, password: person.password },
      { authorization: "" },
    );
    expect(oldLogin.statusCode).toBe(401);
    const newLogin = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email: person.email, password: NEW_PASSWORD },
      { authorization: "" },
    );
    expect(newLogin.statusCode, newLogin.body).toBe(200);
    // Somebody else's session is untouched.
    expect((await call(up, "GET", `${API}/me`, undefined, second.headers)).statusCode).toBe(200);

    const links = await up.rt.db
      .selectFrom("user_tokens")
      .select("kind")
      .where("user_id", "=", person.userId)
      .execute();
    expect(links).toEqual([]);
    const rows = await up.rt.db
      .selectFrom("audit_log")
      .select(["organization_id", "actor_type", "actor_label", "target_id", "summary"])
      .where("action", "=", "user.password_reset")
      .where("target_id", "=", person.userId)
      .orderBy("organization_id")
      .execute();
    expect(rows.map((r) => r.organization_id).sort()).toEqual(
      [up.organizationId, other.organizationId].sort(),
    );
    for (const row of rows) {
      expect(row).toMatchObject({ actor_type: "system", actor_label: "system", target_id: person.userId });
      const summary = typeof row.summary === "string" ? JSON.parse(row.summary) : row.summary;
      expect(summary).toEqual({ email: person.email, by: "cli", sessionsEnded: 1 });
      expect(JSON.stringify(summary)).not.toContain(NEW_PASSWORD);
    }
  });

  it("refuses a password the policy refuses, and changes nothing", async () => {
    const person = await signInAs(up, "viewer");
    const attempt = setPasswordAsSystem(up.rt, { email: person.email, password: "short" });
    await expect(attempt).rejects.toMatchObject({
      code: "VALIDATION",
      details: { errors: [{ path: "password", message: "must have at least 10 characters" }] },
    });
    expect((await call(up, "GET", `${API}/me`, undefined, person.headers)).statusCode).toBe(200);
    const login = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email: person.email, password: person.password },
      { authorization: "" },
    );
    expect(login.statusCode).toBe(200);
  });

  it("an unknown email is NOT_FOUND", async () => {
    const attempt = setPasswordAsSystem(up.rt, { email: "nobody@example.com", password: NEW_PASSWORD });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
