import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyFor,
  otherOrganization,
  signInAs,
  type TestUser,
  uniqueEmail,
} from "../../../test/accounts.ts";
import { API, call, expectProblem } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import {
  type Invitation,
  invite,
  invited,
  invitedByMail,
  NOBODY,
  type Sent,
} from "../../../test/invitations.ts";
import { startMailUpblit } from "../../../test/mail-upblit.ts";
import { type SmtpFixture, startSmtp } from "../../../test/smtp.ts";
import type { TestUpblit } from "../../../test/upblit.ts";

// Who may invite whom, conflicts with members and pending invitations, other organizations, and
// the list. The life of an invitation link is in invitations.api.test.ts.

describe.each(DB_KINDS)("invitations with a mail server on %s", (kind) => {
  let up: TestUpblit;
  let smtp: SmtpFixture;
  let admin: TestUser;
  beforeAll(async () => {
    smtp = await startSmtp();
    up = await startMailUpblit(kind, smtp);
    admin = await signInAs(up, "admin");
  });
  afterAll(async () => {
    await up?.close();
    await smtp?.close();
  });

  /** Invites `email` as admin and returns the invitation with the token from its mail. */
  const inviteByMail = (email: string, role = "editor", by: TestUser = admin) =>
    invitedByMail(up, smtp, by, email, role);

  it("the role is at most the inviter's: admins cannot invite, resend or revoke owners; editors cannot invite", async () => {
    const adminOwner = await invite(up, admin.headers, uniqueEmail("up"), "owner");
    expect(expectProblem(adminOwner, 403, "FORBIDDEN").errors).toEqual([
      { path: "body.role", message: "is higher than your role (admin)" },
    ]);
    const adminKey = await apiKeyFor(admin, ["org:admin"]);
    const keyOwner = await invite(up, { authorization: `Bearer ${adminKey}` }, uniqueEmail("key"), "owner");
    expectProblem(keyOwner, 403, "FORBIDDEN");
    const keyAdmin = await invite(up, { authorization: `Bearer ${adminKey}` }, uniqueEmail("key"), "admin");
    expect(keyAdmin.statusCode, keyAdmin.body).toBe(201);
    expect(keyAdmin.json<Sent>().invitedBy).toBe(admin.userId);

    for (const role of ["editor", "viewer"] as const) {
      const member = await signInAs(up, role);
      const res = await invite(up, member.headers, uniqueEmail("esc"), "viewer");
      expectProblem(res, 403, "FORBIDDEN");
      const list = await call(up, "GET", `${API}/invitations`, undefined, member.headers);
      expectProblem(list, 403, "FORBIDDEN");
    }
    const noScope = await apiKeyFor(admin, ["members:read", "monitors:write"]);
    expectProblem(
      await invite(up, { authorization: `Bearer ${noScope}` }, uniqueEmail("k"), "viewer"),
      403,
      "FORBIDDEN",
    );

    // An owner's invitation of an owner is out of an admin's reach.
    const byOwner = await call(up, "POST", `${API}/invitations`, {
      email: uniqueEmail("own"),
      role: "owner",
    });
    expect(byOwner.statusCode, byOwner.body).toBe(201);
    const id = byOwner.json<Sent>().id;
    for (const verb of ["resend", "revoke"]) {
      expectProblem(
        await call(up, "POST", `${API}/invitations/${id}/${verb}`, undefined, admin.headers),
        403,
        "FORBIDDEN",
      );
    }
    // Mass assignment: no extra fields, no organization from the body.
    const extra = await call(
      up,
      "POST",
      `${API}/invitations`,
      { email: uniqueEmail("x"), role: "viewer", organizationId: "org_x" },
      admin.headers,
    );
    expectProblem(extra, 400, "VALIDATION");
  });

  it("refuses to invite a member (409) or an address with a pending invitation (409)", async () => {
    const member = await signInAs(up, "viewer");
    expect(
      expectProblem(await invite(up, admin.headers, member.email.toUpperCase(), "editor"), 409, "CONFLICT")
        .errors,
    ).toEqual([{ path: "body.email", message: "is already a member" }]);
    const email = uniqueEmail("twice");
    const first = await inviteByMail(email);
    expectProblem(await invite(up, admin.headers, email, "viewer"), 409, "CONFLICT");
    // Once it expired, a new invitation may go out; the expired one can no longer be revived.
    await up.rt.db
      .updateTable("invitations")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", first.sent.id)
      .execute();
    await inviteByMail(email, "viewer");
    const revive = await call(
      up,
      "POST",
      `${API}/invitations/${first.sent.id}/resend`,
      undefined,
      admin.headers,
    );
    expectProblem(revive, 409, "CONFLICT");
    // A member by now: resending is refused too.
    const joined = await inviteByMail(uniqueEmail("joined"));
    await signInAs(up, "viewer", { email: joined.sent.email, organizationId: up.organizationId });
    const late = await call(
      up,
      "POST",
      `${API}/invitations/${joined.sent.id}/resend`,
      undefined,
      admin.headers,
    );
    expect(expectProblem(late, 409, "CONFLICT").detail).toMatch(/already a member/);
  });

  it("another organization's invitations are out of reach (404) and out of its list", async () => {
    const { sent, token } = await inviteByMail(uniqueEmail("mine"));
    const other = await otherOrganization(up);
    for (const [method, path] of [
      ["GET", `/invitations/${sent.id}`],
      ["POST", `/invitations/${sent.id}/revoke`],
      ["POST", `/invitations/${sent.id}/resend`],
      ["GET", "/invitations/inv_00000000000000000000000000"],
    ] as const) {
      expectProblem(await call(up, method, `${API}${path}`, undefined, other.headers), 404, "NOT_FOUND");
    }
    const list = await call(up, "GET", `${API}/invitations`, undefined, other.headers);
    expect(list.json<{ items: Invitation[] }>().items).toEqual([]);
    const lookup = await call(up, "POST", `${API}/invitations/lookup`, { token }, NOBODY);
    expect(lookup.statusCode).toBe(200);
  });

  it("lists with a status filter and pages with a cursor", async () => {
    const team = await otherOrganization(up);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await invited(up, team, uniqueEmail(`page${i}`))).id);
    await call(up, "POST", `${API}/invitations/${ids[0]}/revoke`, undefined, team.headers);
    const page1 = await call(up, "GET", `${API}/invitations?limit=2`, undefined, team.headers);
    const body1 = page1.json<{ items: Invitation[]; nextCursor: string }>();
    expect(body1.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    const page2 = await call(
      up,
      "GET",
      `${API}/invitations?limit=2&cursor=${body1.nextCursor}`,
      undefined,
      team.headers,
    );
    expect(page2.json()).toMatchObject({ items: [{ id: ids[0], status: "revoked" }], nextCursor: null });
    const pending = await call(up, "GET", `${API}/invitations?status=pending`, undefined, team.headers);
    expect(pending.json<{ items: Invitation[] }>().items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    const revoked = await call(up, "GET", `${API}/invitations?status=revoked`, undefined, team.headers);
    expect(revoked.json<{ items: Invitation[] }>().items.map((i) => i.id)).toEqual([ids[0]]);
  });
});
