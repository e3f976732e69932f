import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { signInAs } from "../../../test/accounts.ts";
import { API, API_ONLY, call, expectProblem, expectValidation } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { bearer } from "../../../test/sessions.ts";
import { LOOSE_LIMITS, totpCalls } from "../../../test/totp.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// Enrolment and signing in with a code, a recovery code or an MFA token, and the attempt limit.
// Turning the factor off, storage, new recovery codes and enrolment guards are in
// mfa-manage.api.test.ts.

const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;

describe.each(DB_KINDS)("second factor (TOTP) on %s", (kind) => {
  let up: TestUpblit;
  // 10 s into a 30-second step, so "one step earlier/later" is never ambiguous.
  const clock = new ManualClock(Date.UTC(2031, 0, 1, 0, 0, 10));

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY, { clock, rateLimits: LOOSE_LIMITS });
  });
  afterAll(async () => up?.close());

  const { codeAt, wrongCode, nextStep, login, mfa, me, auditOf, enrolled, challenge } = totpCalls(
    () => up,
    clock,
  );

  it("enrols, confirms with a first code, and from then on sign-in needs a code", async () => {
    const user = await signInAs(up, "viewer");
    const enroll = await call(up, "POST", `${API}/me/totp`, { password: user.password }, user.headers);
    expect(enroll.statusCode, enroll.body).toBe(200);
    const { secret, uri } = enroll.json<{ secret: string; uri: string }>();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe("otpauth:");
    expect(parsed.host).toBe("totp");
    expect(decodeURIComponent(parsed.pathname)).toBe(`/Upblit:${user.email}`);
    expect(parsed.searchParams.get("issuer")).toBe("Upblit");
    expect(parsed.searchParams.get("secret")).toBe(secret);
    expect(parsed.searchParams.get("period")).toBe("30");
    expect(parsed.searchParams.get("digits")).toBe("6");

    // Not on until confirmed: the password alone still signs in.
    expect((await me(user.accessToken)).json<{ totpEnabled: boolean }>().totpEnabled).toBe(false);
    const before = await login(user.email, user.password);
    expect(before.json<{ mfaRequired: boolean }>().mfaRequired).toBe(false);

    const wrong = await call(up, "POST", `${API}/me/totp/confirm`, { code: wrongCode(secret) }, user.headers);
    expect(expectProblem(wrong, 403, "FORBIDDEN").errors.map((e) => e.path)).toEqual(["body.code"]);
    const confirm = await call(up, "POST", `${API}/me/totp/confirm`, { code: codeAt(secret) }, user.headers);
    expect(confirm.statusCode, confirm.body).toBe(200);
    const codes = confirm.json<{ recoveryCodes: string[] }>().recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(RECOVERY_CODE);
    expect((await me(user.accessToken)).json<{ totpEnabled: boolean }>().totpEnabled).toBe(true);

    // The password step gives no token and sets no cookie.
    const first = await login(user.email, user.password);
    expect(first.statusCode).toBe(200);
    expect(Object.keys(first.json()).sort()).toEqual(["mfaRequired", "mfaToken"]);
    expect(first.headers["set-cookie"]).toBeUndefined();

    nextStep();
    const done = await mfa({ mfaToken: first.json<{ mfaToken: string }>().mfaToken, code: codeAt(secret) });
    expect(done.statusCode, done.body).toBe(200);
    const pair = done.json<{
      mfaRequired: boolean;
      tokenType: string;
      accessToken: string;
      refreshToken: string;
    }>();
    expect(pair).toMatchObject({ mfaRequired: false, tokenType: "Bearer" });
    expect(String(done.headers["set-cookie"])).toContain("upblit-access=");
    expect((await me(pair.accessToken)).statusCode).toBe(200);

    const audit = await auditOf(user.userId);
    expect(audit.map((a) => a.action)).toEqual(["user.totp_enroll", "user.totp_enable"]);
    for (const a of audit) expect(a.organization_id).toBeNull();
  });

  it("refuses a wrong code with 401 and no session", async () => {
    const user = await enrolled();
    const res = await mfa({ mfaToken: await challenge(user), code: wrongCode(user.secret) });
    expect(expectProblem(res, 401, "UNAUTHENTICATED").errors.map((e) => e.path)).toEqual(["body.code"]);
    expect(res.headers["set-cookie"]).toBeUndefined();
    const sessions = await up.rt.db
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", user.userId)
      .execute();
    expect(sessions).toHaveLength(1); // only the one signInAs made before enrolling
  });

  it("validates the body: six digits, and exactly one of code and recoveryCode", async () => {
    const user = await enrolled();
    const mfaToken = await challenge(user);
    expectValidation(await mfa({ mfaToken, code: "12345a" }), ["body.code"]);
    expectValidation(await mfa({ mfaToken }), ["body.code"]);
    expectValidation(
      await mfa({ mfaToken, code: codeAt(user.secret), recoveryCode: user.recoveryCodes[0] }),
      ["body.code"],
    );
    expectValidation(await mfa({ mfaToken, code: codeAt(user.secret), extra: 1 }), ["body.extra"]);
  });

  it("accepts each code once, also when the same code is sent twice at the same moment", async () => {
    const user = await enrolled();
    const code = codeAt(user.secret);
    expect((await mfa({ mfaToken: await challenge(user), code })).statusCode).toBe(200);
    expectProblem(await mfa({ mfaToken: await challenge(user), code }), 401, "UNAUTHENTICATED");

    nextStep();
    const next = codeAt(user.secret);
    const tokens = [await challenge(user), await challenge(user)];
    const [a, b] = await Promise.all(tokens.map((mfaToken) => mfa({ mfaToken, code: next })));
    expect([a?.statusCode, b?.statusCode].sort()).toEqual([200, 401]);
  });

  it("accepts codes one step either side of now and refuses two steps away or older than the last", async () => {
    const user = await enrolled();
    for (let i = 0; i < 5; i++) nextStep();
    const mfaToken = await challenge(user);
    expectProblem(await mfa({ mfaToken, code: codeAt(user.secret, -2) }), 401, "UNAUTHENTICATED");
    expectProblem(await mfa({ mfaToken, code: codeAt(user.secret, 2) }), 401, "UNAUTHENTICATED");
    expect((await mfa({ mfaToken, code: codeAt(user.secret, -1) })).statusCode).toBe(200);
    expect((await mfa({ mfaToken: await challenge(user), code: codeAt(user.secret, 1) })).statusCode).toBe(
      200,
    );
    // The current step is now before the last accepted one: its code no longer counts.
    expectProblem(
      await mfa({ mfaToken: await challenge(user), code: codeAt(user.secret) }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("accepts each recovery code once, forgives case and dashes, and binds it to its account", async () => {
    const user = await enrolled();
    const other = await enrolled();
    const [first, second] = user.recoveryCodes as [string, string];
    expect((await mfa({ mfaToken: await challenge(user), recoveryCode: first })).statusCode).toBe(200);
    const again = await mfa({ mfaToken: await challenge(user), recoveryCode: first });
    expect(expectProblem(again, 401, "UNAUTHENTICATED").errors.map((e) => e.path)).toEqual([
      "body.recoveryCode",
    ]);
    const loose = ` ${second.replace("-", "").toUpperCase()} `;
    expect((await mfa({ mfaToken: await challenge(user), recoveryCode: loose })).statusCode).toBe(200);
    const foreign = await mfa({ mfaToken: await challenge(other), recoveryCode: user.recoveryCodes[2] });
    expectProblem(foreign, 401, "UNAUTHENTICATED");

    const uses = (await auditOf(user.userId)).filter((a) => a.action === "user.recovery_code_use");
    expect(uses.map((u) => u.summary)).toEqual([{ remaining: 9 }, { remaining: 8 }]);
    expect(uses.every((u) => u.organization_id === null)).toBe(true);
  });

  it("lets an MFA token expire after 5 minutes", async () => {
    const user = await enrolled();
    const mfaToken = await challenge(user);
    clock.advance(5 * 60_000 + 1_000);
    const res = await mfa({ mfaToken, code: codeAt(user.secret) });
    expect(expectProblem(res, 401, "UNAUTHENTICATED").detail).toMatch(/expired/);
  });

  it("refuses an MFA token as an access token, and an access token as an MFA token", async () => {
    const user = await enrolled();
    const mfaToken = await challenge(user);
    expectProblem(await me(mfaToken), 401, "UNAUTHENTICATED");
    expectProblem(
      await call(up, "GET", `${API}/monitors`, undefined, bearer(mfaToken)),
      401,
      "UNAUTHENTICATED",
    );
    const swapped = await mfa({ mfaToken: user.accessToken, code: codeAt(user.secret) });
    expectProblem(swapped, 401, "UNAUTHENTICATED");
    expectProblem(
      await mfa({ mfaToken: user.refreshToken, code: codeAt(user.secret) }),
      401,
      "UNAUTHENTICATED",
    );
    // The refusals spent nothing: the same code still completes the real challenge.
    expect((await mfa({ mfaToken, code: codeAt(user.secret) })).statusCode).toBe(200);
  });

  it("refuses further attempts with 429 after 5 wrong codes, across MFA tokens, until the window ends", async () => {
    const user = await enrolled();
    const bystander = await enrolled();
    const mfaToken = await challenge(user);
    for (let i = 0; i < 5; i++) {
      expectProblem(await mfa({ mfaToken, code: wrongCode(user.secret) }), 401, "UNAUTHENTICATED");
    }
    const locked = await mfa({ mfaToken, code: codeAt(user.secret) });
    expect(expectProblem(locked, 429, "LIMIT_EXCEEDED").detail).toMatch(
      /wrong attempts at the second factor/,
    );
    const retryAfter = Number(locked.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // A new password step does not buy new guesses, nor does a recovery code get through.
    expectProblem(
      await mfa({ mfaToken: await challenge(user), code: codeAt(user.secret) }),
      429,
      "LIMIT_EXCEEDED",
    );
    const viaRecovery = await mfa({ mfaToken: await challenge(user), recoveryCode: user.recoveryCodes[0] });
    expectProblem(viaRecovery, 429, "LIMIT_EXCEEDED");
    // Another account is not affected.
    expect(
      (await mfa({ mfaToken: await challenge(bystander), code: codeAt(bystander.secret) })).statusCode,
    ).toBe(200);

    clock.advance(retryAfter * 1000);
    expect((await mfa({ mfaToken: await challenge(user), code: codeAt(user.secret) })).statusCode).toBe(200);
  });
});
