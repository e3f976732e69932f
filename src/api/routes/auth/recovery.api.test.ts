import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs, type TestUser, uniqueEmail } from "../../../test/accounts.ts";
import { API, call, expectProblem, waitFor } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startMailUpblit, TEST_PUBLIC_URL } from "../../../test/mail-upblit.ts";
import { linkToken, type SmtpFixture, startSmtp } from "../../../test/smtp.ts";
import type { TestUpblit } from "../../../test/upblit.ts";

const NOBODY = { authorization: "" };
const NEW_PASSWORD = "another long passphrase 7";

function requestReset(up: TestUpblit, email: string) {
  return call(up, "POST", `${API}/auth/password-reset`, { email }, NOBODY);
}
function confirmReset(up: TestUpblit, token: string, password = NEW_PASSWORD) {
  return call(up, "POST", `${API}/auth/password-reset/confirm`, { token, password }, NOBODY);
}
function login(up: TestUpblit, email: string, password: string) {
  return call(up, "POST", `${API}/auth/login`, { email, password }, NOBODY);
}
function requestEmailChange(
  up: TestUpblit,
  user: TestUser,
  newEmail: string,
  currentPassword = user.password,
) {
  return call(up, "POST", `${API}/me/email`, { newEmail, currentPassword }, user.headers);
}
function confirmEmail(up: TestUpblit, token: string) {
  return call(up, "POST", `${API}/auth/email-change/confirm`, { token }, NOBODY);
}
async function auditActions(up: TestUpblit, userId: string) {
  const rows = await up.rt.db
    .selectFrom("audit_log")
    .select(["action", "organization_id"])
    .where("target_id", "=", userId)
    .orderBy("id")
    .execute();
  return rows;
}

describe.each(DB_KINDS)("password reset and email change with a mail server on %s", (kind) => {
  let up: TestUpblit;
  let smtp: SmtpFixture;
  beforeAll(async () => {
    smtp = await startSmtp();
    up = await startMailUpblit(kind, smtp);
  });
  afterAll(async () => {
    await up?.close();
    await smtp?.close();
  });

  async function resetToken(email: string): Promise<string> {
    expect((await requestReset(up, email)).statusCode).toBe(202);
    return linkToken(await smtp.waitForMail(email), "reset-password");
  }

  it("answers a known and an unknown email alike; only the known one gets mail, and no answer carries the link", async () => {
    const user = await signInAs(up, "viewer");
    const unknown = uniqueEmail("nobody");
    const a = await requestReset(up, unknown);
    const b = await requestReset(up, user.email.toUpperCase());
    expect(a.statusCode).toBe(202);
    expect(b.statusCode).toBe(202);
    expect(b.body).toBe(a.body);
    expect(b.headers["content-type"]).toBe(a.headers["content-type"]);
    expect(a.json()).toEqual({
      message: "If an account uses this email address, a link to reset its password is on its way.",
    });
    const mail = await smtp.waitForMail(user.email);
    const token = linkToken(mail, "reset-password");
    expect(b.body).not.toContain(token);
    expect(mail.subject).toBe("Reset your Upblit password");
    expect(mail.text).toContain(`${TEST_PUBLIC_URL}/reset-password#token=${token}`);
    expect(mail.text).toContain("1 hour");
    // The unknown email's request ran first; it had nothing to send.
    expect(smtp.mailsTo(unknown)).toEqual([]);
    const row = await up.rt.db
      .selectFrom("user_tokens")
      .selectAll()
      .where("user_id", "=", user.userId)
      .executeTakeFirstOrThrow();
    expect(row.kind).toBe("password_reset");
    expect(row.token_hash).not.toContain(token);
    const ttl = row.expires_at.getTime() - row.created_at.getTime();
    expect(ttl).toBe(3_600_000);
  });

  it("the link sets a new password once, ends every session and is audited without an organization", async () => {
    const user = await signInAs(up, "editor");
    const second = await login(up, user.email, user.password);
    const token = await resetToken(user.email);
    const done = await confirmReset(up, token);
    expect(done.statusCode, done.body).toBe(204);

    expectProblem(await call(up, "GET", `${API}/me`, undefined, user.headers), 401, "UNAUTHENTICATED");
    const refresh = await call(
      up,
      "POST",
      `${API}/auth/refresh`,
      { refreshToken: second.json<{ refreshToken: string }>().refreshToken },
      NOBODY,
    );
    expectProblem(refresh, 401, "UNAUTHENTICATED");
    expectProblem(await login(up, user.email, user.password), 401, "UNAUTHENTICATED");
    expect((await login(up, user.email, NEW_PASSWORD)).statusCode).toBe(200);

    expectProblem(await confirmReset(up, token, "yet another passphrase 9"), 404, "NOT_FOUND");
    const audit = await auditActions(up, user.userId);
    expect(audit.slice(-2)).toEqual([
      { action: "user.password_reset_request", organization_id: null },
      { action: "user.password_reset", organization_id: null },
    ]);
  });

  it("a link expires after one hour, and a newer request replaces the older link", async () => {
    const user = await signInAs(up, "viewer");
    const expired = await resetToken(user.email);
    await up.rt.db
      .updateTable("user_tokens")
      .set({ expires_at: new Date(Date.now() - 1) })
      .where("user_id", "=", user.userId)
      .execute();
    expectProblem(await confirmReset(up, expired), 404, "NOT_FOUND");

    const older = await resetToken(user.email);
    const newer = await resetToken(user.email);
    expect(newer).not.toBe(older);
    const dead = expectProblem(await confirmReset(up, older), 404, "NOT_FOUND");
    expect(dead.detail).toBe("This reset link is not valid: it was used, replaced or has expired");
    expect((await confirmReset(up, newer)).statusCode).toBe(204);
  });

  it("the password policy applies, and a refused password leaves the link usable", async () => {
    const user = await signInAs(up, "viewer");
    const token = await resetToken(user.email);
    for (const password of ["short", "qwertyuiop", `${user.email}!`]) {
      expectProblem(await confirmReset(up, token, password), 400, "VALIDATION");
    }
    expect((await confirmReset(up, token)).statusCode).toBe(204);
  });

  it("a reset works while sign-in is rate-limited for the account", async () => {
    const user = await signInAs(up, "viewer");
    let limited = false;
    for (let i = 0; i < 30 && !limited; i++) {
      limited = (await login(up, user.email, "wrong wrong wrong")).statusCode === 429;
    }
    expect(limited).toBe(true);
    const token = await resetToken(user.email);
    expect((await confirmReset(up, token)).statusCode).toBe(204);
  });

  it("an email change mails the new address a link and the old one a notice; the link works once and ends every session", async () => {
    const user = await signInAs(up, "editor");
    const newEmail = uniqueEmail("moved");
    const res = await requestEmailChange(up, user, newEmail.toUpperCase());
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ mail: "sent" });

    const confirm = await smtp.waitForMail(newEmail);
    const token = linkToken(confirm, "confirm-email");
    expect(confirm.text).toContain(`${TEST_PUBLIC_URL}/confirm-email#token=${token}`);
    const notice = await smtp.waitForMail(user.email);
    expect(notice.subject).toBe("Your Upblit email address is about to change");
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toContain(token);
    expect(notice.text).toContain(`${TEST_PUBLIC_URL}/reset-password`);

    const done = await confirmEmail(up, token);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ email: newEmail });
    expectProblem(await call(up, "GET", `${API}/me`, undefined, user.headers), 401, "UNAUTHENTICATED");
    expectProblem(await login(up, user.email, user.password), 401, "UNAUTHENTICATED");
    expect((await login(up, newEmail, user.password)).statusCode).toBe(200);
    expectProblem(await confirmEmail(up, token), 404, "NOT_FOUND");
    const audit = await auditActions(up, user.userId);
    expect(audit.slice(-2)).toEqual([
      { action: "user.email_change_request", organization_id: null },
      { action: "user.email_change", organization_id: null },
    ]);
  });

  it("refuses a wrong password (403) and a taken address (409); an address taken meanwhile is refused at confirm (409)", async () => {
    const user = await signInAs(up, "viewer");
    const other = await signInAs(up, "viewer");
    const wrong = await requestEmailChange(up, user, uniqueEmail("x"), "not my password at all");
    expect(expectProblem(wrong, 403, "FORBIDDEN").errors).toEqual([
      { path: "body.currentPassword", message: "is wrong" },
    ]);
    expectProblem(await requestEmailChange(up, user, other.email), 409, "CONFLICT");
    expectProblem(await requestEmailChange(up, user, user.email), 400, "VALIDATION");

    const wanted = uniqueEmail("wanted");
    expect((await requestEmailChange(up, user, wanted)).statusCode).toBe(202);
    const token = linkToken(await smtp.waitForMail(wanted), "confirm-email");
    await smtp.waitForMail(user.email);
    await signInAs(up, "viewer", { email: wanted });
    expectProblem(await confirmEmail(up, token), 409, "CONFLICT");
    const me = await call(up, "GET", `${API}/me`, undefined, user.headers);
    expect(me.json()).toMatchObject({ email: user.email });
  });

  it("a newer email change replaces the older one, and a password reset cancels a pending change", async () => {
    const user = await signInAs(up, "viewer");
    const first = uniqueEmail("first");
    const second = uniqueEmail("second");
    await requestEmailChange(up, user, first);
    const firstToken = linkToken(await smtp.waitForMail(first), "confirm-email");
    await requestEmailChange(up, user, second);
    const secondToken = linkToken(await smtp.waitForMail(second), "confirm-email");
    // The two notices to the current address.
    await smtp.waitForMail(user.email);
    await smtp.waitForMail(user.email);
    expectProblem(await confirmEmail(up, firstToken), 404, "NOT_FOUND");

    expect((await confirmReset(up, await resetToken(user.email))).statusCode).toBe(204);
    expectProblem(await confirmEmail(up, secondToken), 404, "NOT_FOUND");
    expect((await login(up, user.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it("an email change voids reset links mailed to the old address", async () => {
    const user = await signInAs(up, "viewer");
    const reset = await resetToken(user.email);
    const newEmail = uniqueEmail("new");
    await requestEmailChange(up, user, newEmail);
    expect(
      (await confirmEmail(up, linkToken(await smtp.waitForMail(newEmail), "confirm-email"))).statusCode,
    ).toBe(200);
    expectProblem(await confirmReset(up, reset), 404, "NOT_FOUND");
  });

  it("a mail server refusing the new address: 503 and nothing changes", async () => {
    const user = await signInAs(up, "viewer");
    const newEmail = uniqueEmail("refused");
    smtp.refuse(newEmail);
    expectProblem(await requestEmailChange(up, user, newEmail), 503, "UNAVAILABLE");
    expect(smtp.mailsTo(user.email)).toEqual([]);
    const me = await call(up, "GET", `${API}/me`, undefined, user.headers);
    expect(me.json()).toMatchObject({ email: user.email });
  });
});

describe.each(DB_KINDS)("password reset and email change without a mail server on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startMailUpblit(kind, undefined);
  });
  afterAll(async () => {
    await up?.close();
  });

  it("a reset link goes to the server log at warn for an operator, never to the answer", async () => {
    const user = await signInAs(up, "viewer");
    const res = await requestReset(up, user.email);
    expect(res.statusCode).toBe(202);
    const line = await waitFor(
      async () => up.logs.find((l) => l.userId === user.userId && typeof l.resetUrl === "string"),
      (l) => l !== undefined,
    );
    expect(line?.level).toBe(40);
    const url = String(line?.resetUrl);
    expect(url).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/reset-password#token=[A-Za-z0-9_-]{43}$`));
    const token = url.split("#token=")[1] ?? "";
    expect(res.body).not.toContain(token);
    expect((await confirmReset(up, token)).statusCode).toBe(204);
    expect((await login(up, user.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it("an email change answers with the confirmation link, which works once", async () => {
    const user = await signInAs(up, "viewer");
    const newEmail = uniqueEmail("nomail");
    const res = await requestEmailChange(up, user, newEmail);
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json<{ mail: string; confirmUrl: string }>();
    expect(body.mail).toBe("disabled");
    const token = body.confirmUrl.split("#token=")[1] ?? "";
    expect(body.confirmUrl).toBe(`${TEST_PUBLIC_URL}/confirm-email#token=${token}`);
    expect((await confirmEmail(up, token)).json()).toEqual({ email: newEmail });
    expectProblem(await confirmEmail(up, token), 404, "NOT_FOUND");
  });
});
