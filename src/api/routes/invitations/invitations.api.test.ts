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
  acceptNew,
  type Invitation,
  invited,
  invitedByMail,
  NOBODY,
  type Sent,
} from "../../../test/invitations.ts";
import { startMailUpblit, TEST_PUBLIC_URL } from "../../../test/mail-upblit.ts";
import { linkToken, type SmtpFixture, startSmtp } from "../../../test/smtp.ts";
import type { TestUpblit } from "../../../test/upblit.ts";

// The life of an invitation link: mail, accept, resend, dead links, the password policy and mail
// failures. Who may invite whom, conflicts, isolation and the list are in
// invitations-rules.api.test.ts.

const INVALID_LINK = "This invitation link is not valid: it was used, revoked or has expired";

/** The same refusal, whatever made the link dead: 404 with one detail. */
function expectDeadLink(res: Awaited<ReturnType<typeof call>>): void {
  expect(expectProblem(res, 404, "NOT_FOUND").detail).toBe(INVALID_LINK);
}

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

  it("mails the link (never in the answer); a new person accepts, gets an account and a session in the organization", async () => {
    const email = uniqueEmail("newbie");
    const { sent, mail, token } = await inviteByMail(email);
    expect(sent.mail).toBe("sent");
    expect(sent).not.toHaveProperty("acceptUrl");
    expect(JSON.stringify(sent)).not.toContain(token);
    expect(sent).toMatchObject({
      email,
      role: "editor",
      status: "pending",
      invitedBy: admin.userId,
    });
    const days = (Date.parse(sent.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    expect(mail.text).toContain(`${TEST_PUBLIC_URL}/invite#token=${token}`);
    expect(mail.html).toContain(`href="${TEST_PUBLIC_URL}/invite#token=${token}"`);
    expect(mail.text).toContain(admin.email);
    expect(mail.headers["auto-submitted"]).toBe("auto-generated");
    // Only the hash is stored.
    const stored = await up.rt.db
      .selectFrom("invitations")
      .selectAll()
      .where("id", "=", sent.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);

    const lookup = await call(up, "POST", `${API}/invitations/lookup`, { token }, NOBODY);
    expect(lookup.statusCode, lookup.body).toBe(200);
    expect(lookup.json()).toMatchObject({ email, role: "editor", accountExists: false });

    const accepted = await acceptNew(up, token);
    expect(accepted.statusCode, accepted.body).toBe(201);
    const me = await call(up, "GET", `${API}/me`, undefined, {
      authorization: `Bearer ${accepted.json<{ accessToken: string }>().accessToken}`,
    });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({
      email,
      name: "New Person",
      currentOrganizationId: up.organizationId,
      organizations: [{ id: up.organizationId, role: "editor" }],
    });

    const after = await call(up, "GET", `${API}/invitations/${sent.id}`, undefined, admin.headers);
    expect(after.json()).toMatchObject({ status: "accepted", acceptedBy: me.json<{ id: string }>().id });
    const rows = await up.rt.db
      .selectFrom("audit_log")
      .select(["action", "organization_id", "actor_id"])
      .where("target_id", "=", sent.id)
      .orderBy("id")
      .execute();
    expect(rows.map((r) => r.action)).toEqual(["invitation.create", "invitation.accept"]);
    expect(rows[1]).toMatchObject({
      organization_id: up.organizationId,
      actor_id: me.json<{ id: string }>().id,
    });
  });

  it("escapes the organization name in the mail and keeps the subject on one line", async () => {
    const team = await otherOrganization(
      up,
      'Acme <img src=x onerror="alert(1)"> &\r\nBcc: victim@example.com',
    );
    const email = uniqueEmail("escape");
    await invited(up, team, email);
    const mail = await smtp.waitForMail(email);
    expect(mail.html).toContain(
      "Acme &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Bcc: victim@example.com",
    );
    expect(mail.html).not.toContain("<img");
    expect(mail.subject).toBe(
      'You are invited to Acme <img src=x onerror="alert(1)"> & Bcc: victim@example.com on Upblit',
    );
    expect(mail.headers).not.toHaveProperty("bcc");
    expect(mail.to).toEqual([email]);
  });

  it("a used, revoked, expired or unknown link gets one identical answer on lookup and accept", async () => {
    const used = await inviteByMail(uniqueEmail("used"));
    expect((await acceptNew(up, used.token)).statusCode).toBe(201);

    const revoked = await inviteByMail(uniqueEmail("revoked"));
    const revoke = await call(
      up,
      "POST",
      `${API}/invitations/${revoked.sent.id}/revoke`,
      undefined,
      admin.headers,
    );
    expect(revoke.statusCode, revoke.body).toBe(200);
    expect(revoke.json()).toMatchObject({ status: "revoked" });

    const expired = await inviteByMail(uniqueEmail("expired"));
    await up.rt.db
      .updateTable("invitations")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", expired.sent.id)
      .execute();

    const details = new Set<string>();
    for (const token of [used.token, revoked.token, expired.token, "not-a-real-token"]) {
      for (const res of [
        await call(up, "POST", `${API}/invitations/lookup`, { token }, NOBODY),
        await acceptNew(up, token),
      ]) {
        expectDeadLink(res);
        const body = res.json<{ detail: string; errors: unknown[] }>();
        details.add(JSON.stringify([body.detail, body.errors]));
      }
    }
    expect(details.size).toBe(1);
    const list = await call(up, "GET", `${API}/invitations?status=expired`, undefined, admin.headers);
    expect(list.json<{ items: Invitation[] }>().items.map((i) => i.id)).toContain(expired.sent.id);
  });

  it("resend mails a new link: the old one stops working and the 7 days start again", async () => {
    const email = uniqueEmail("resend");
    const first = await inviteByMail(email);
    await up.rt.db
      .updateTable("invitations")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", first.sent.id)
      .execute();
    const res = await call(
      up,
      "POST",
      `${API}/invitations/${first.sent.id}/resend`,
      undefined,
      admin.headers,
    );
    expect(res.statusCode, res.body).toBe(200);
    const again = res.json<Sent>();
    expect(again).toMatchObject({ mail: "sent", status: "pending" });
    expect(again).not.toHaveProperty("acceptUrl");
    expect(Date.parse(again.expiresAt) - Date.now()).toBeGreaterThan(6.99 * 86_400_000);
    const token = linkToken(await smtp.waitForMail(email), "invite");
    expect(token).not.toBe(first.token);
    expectDeadLink(await acceptNew(up, first.token));
    expect((await acceptNew(up, token)).statusCode).toBe(201);
    // Accepted: nothing left to resend or revoke.
    for (const verb of ["resend", "revoke"]) {
      const late = await call(
        up,
        "POST",
        `${API}/invitations/${first.sent.id}/${verb}`,
        undefined,
        admin.headers,
      );
      expectProblem(late, 409, "CONFLICT");
    }
  });

  it("an existing user joins with their account; another account gets 403 and the public accept 409", async () => {
    const elsewhere = await otherOrganization(up);
    const { token } = await inviteByMail(elsewhere.email, "viewer");
    const lookup = await call(up, "POST", `${API}/invitations/lookup`, { token }, NOBODY);
    expect(lookup.json()).toMatchObject({ email: elsewhere.email, accountExists: true });

    const signUp = await acceptNew(up, token);
    expect(expectProblem(signUp, 409, "CONFLICT").detail).toMatch(/sign in first/);

    const intruder = await otherOrganization(up);
    const wrong = await call(up, "POST", `${API}/invitations/accept-existing`, { token }, intruder.headers);
    expectProblem(wrong, 403, "FORBIDDEN");
    const keyed = await call(
      up,
      "POST",
      `${API}/invitations/accept-existing`,
      { token },
      {
        authorization: `Bearer ${await apiKeyFor(elsewhere, ["org:admin"])}`,
      },
    );
    expectProblem(keyed, 403, "FORBIDDEN");

    const ok = await call(up, "POST", `${API}/invitations/accept-existing`, { token }, elsewhere.headers);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ organizationId: up.organizationId, role: "viewer" });
    // Their session still acts where it did; switching is up to them.
    const me = await call(up, "GET", `${API}/me`, undefined, elsewhere.headers);
    expect(me.json()).toMatchObject({ currentOrganizationId: elsewhere.organizationId });
    const sw = await call(
      up,
      "POST",
      `${API}/auth/switch-organization`,
      { organizationId: up.organizationId },
      elsewhere.headers,
    );
    expect(sw.json()).toEqual({ organizationId: up.organizationId, role: "viewer" });
    expectDeadLink(
      await call(up, "POST", `${API}/invitations/accept-existing`, { token }, elsewhere.headers),
    );
  });

  it("the password policy applies on accept, and a refused password leaves the link usable", async () => {
    const email = uniqueEmail("policy");
    const { token } = await inviteByMail(email);
    for (const password of ["short", "password123", `${email.split("@")[0]}-and-more`]) {
      const res = await acceptNew(up, token, password);
      expectProblem(res, 400, "VALIDATION");
    }
    expect((await acceptNew(up, token)).statusCode).toBe(201);
  });

  it("a refusing mail server: the answer says failed, shows no link, and resend delivers later", async () => {
    const email = uniqueEmail("bounce");
    const accept = smtp.refuse(email);
    const sent = await invited(up, admin, email);
    expect(sent.mail).toBe("failed");
    expect(sent).not.toHaveProperty("acceptUrl");
    expect(smtp.mailsTo(email)).toEqual([]);
    expect(up.logs.some((l) => l.msg === "mail could not be sent" && l.kind === "invitation")).toBe(true);
    accept();
    const res = await call(up, "POST", `${API}/invitations/${sent.id}/resend`, undefined, admin.headers);
    expect(res.json()).toMatchObject({ mail: "sent" });
    expect((await acceptNew(up, linkToken(await smtp.waitForMail(email), "invite"))).statusCode).toBe(201);
  });
});

describe.each(DB_KINDS)("invitations without a mail server on %s", (kind) => {
  let up: TestUpblit;
  let admin: TestUser;
  beforeAll(async () => {
    up = await startMailUpblit(kind, undefined);
    admin = await signInAs(up, "admin");
  });
  afterAll(async () => {
    await up?.close();
  });

  it("shows the accept link to the inviter; it works once", async () => {
    const email = uniqueEmail("nomail");
    const sent = await invited(up, admin, email, "viewer");
    expect(sent.mail).toBe("disabled");
    const url = sent.acceptUrl ?? "";
    expect(url).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/invite#token=[A-Za-z0-9_-]{43}$`));
    const token = url.split("#token=")[1] ?? "";
    const resent = await call(up, "POST", `${API}/invitations/${sent.id}/resend`, undefined, admin.headers);
    const fresh = resent.json<Sent>().acceptUrl?.split("#token=")[1] ?? "";
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expectDeadLink(await acceptNew(up, token));
    const accepted = await acceptNew(up, fresh);
    expect(accepted.statusCode, accepted.body).toBe(201);
    const login = await call(
      up,
      "POST",
      `${API}/auth/login`,
      { email, password: "a fresh passphrase 42" },
      NOBODY,
    );
    expect(login.statusCode, login.body).toBe(200);
    expectDeadLink(await acceptNew(up, fresh));
  });
});
