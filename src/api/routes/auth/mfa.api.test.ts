import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { decryptSecret } from "../../../lib/keys.ts";
import { RATE_LIMITS, type RateLimitSettings } from "../../../services/rate-limit/settings.ts";
import { signInAs, type TestUser } from "../../../test/accounts.ts";
import { API, API_ONLY, call, expectProblem, expectValidation } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

const STEP_MS = 30_000;
const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The general sign-in limits (per IP and per account) out of the way, so every refusal seen here
 * comes from the second factor's own attempt limit (rate-limit.api.test.ts covers those).
 */
const LOOSE_LIMITS: RateLimitSettings = {
  ...RATE_LIMITS,
  credentials: {
    ...RATE_LIMITS.credentials,
    account: { free: 10_000, memorySeconds: 60 },
    ip: { free: 10_000, memorySeconds: 60 },
    requestsPerIp: { limit: 10_000, seconds: 60 },
  },
};

interface Enrolled extends TestUser {
  secret: string;
  recoveryCodes: string[];
}

describe.each(DB_KINDS)("second factor (TOTP) on %s", (kind) => {
  let up: TestUpblit;
  // 10 s into a 30-second step, so "one step earlier/later" is never ambiguous.
  const clock = new ManualClock(Date.UTC(2031, 0, 1, 0, 0, 10));

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY, { clock, rateLimits: LOOSE_LIMITS });
  });
  afterAll(async () => up?.close());

  /** The code an authenticator app shows `steps` time steps from now (SHA-1, 6 digits, 30 s). */
  const codeAt = (secret: string, steps = 0) =>
    TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: clock.now() + steps * STEP_MS });
  /** Six digits that are not the code of the previous, current or next step. */
  const wrongCode = (secret: string) => {
    const near = new Set([codeAt(secret, -1), codeAt(secret), codeAt(secret, 1)]);
    let n = Number(codeAt(secret));
    while (near.has(String(n % 1_000_000).padStart(6, "0"))) n++;
    return String(n % 1_000_000).padStart(6, "0");
  };
  const nextStep = () => clock.advance(STEP_MS);
  const login = (email: string, password: string) =>
    call(up, "POST", `${API}/auth/login`, { email, password }, { authorization: "" });
  const mfa = (body: Record<string, unknown>) =>
    call(up, "POST", `${API}/auth/mfa`, body, { authorization: "" });
  const me = (token: string) => call(up, "GET", `${API}/me`, undefined, bearer(token));
  const auditOf = (userId: string) =>
    up.rt.db
      .selectFrom("audit_log")
      .select(["action", "organization_id", "target_id", "summary"])
      .where("actor_id", "=", userId)
      .orderBy("id")
      .execute();

  /** A signed-in person who enrolled and confirmed; the confirming code's step is behind us. */
  async function enrolled(): Promise<Enrolled> {
    const user = await signInAs(up, "viewer");
    const enroll = await call(up, "POST", `${API}/me/totp`, { password: user.password }, user.headers);
    expect(enroll.statusCode, enroll.body).toBe(200);
    const { secret } = enroll.json<{ secret: string }>();
    const confirm = await call(up, "POST", `${API}/me/totp/confirm`, { code: codeAt(secret) }, user.headers);
    expect(confirm.statusCode, confirm.body).toBe(200);
    nextStep();
    return { ...user, secret, recoveryCodes: confirm.json<{ recoveryCodes: string[] }>().recoveryCodes };
  }

  /** Signs in with the password and returns the MFA token (no session yet). */
  async function challenge(user: TestUser): Promise<string> {
    const res = await login(user.email, user.password);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ mfaRequired: boolean; mfaToken: string }>();
    expect(body.mfaRequired).toBe(true);
    return body.mfaToken;
  }

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

  it("turns the factor off only with the password and a code or recovery code", async () => {
    const user = await enrolled();
    const disable = (body: Record<string, unknown>) =>
      call(up, "POST", `${API}/me/totp/disable`, body, user.headers);
    const wrongPassword = await disable({ password: "not the password", code: codeAt(user.secret) });
    expect(expectProblem(wrongPassword, 403, "FORBIDDEN").errors.map((e) => e.path)).toEqual([
      "body.password",
    ]);
    expectValidation(await disable({ password: user.password }), ["body.code"]);
    const badCode = await disable({ password: user.password, code: wrongCode(user.secret) });
    expect(expectProblem(badCode, 403, "FORBIDDEN").errors.map((e) => e.path)).toEqual(["body.code"]);
    const badRecovery = await disable({ password: user.password, recoveryCode: "aaaaa-aaaaa" });
    expectProblem(badRecovery, 403, "FORBIDDEN");
    const key = await call(up, "POST", `${API}/me/totp/disable`, { password: user.password, code: "123456" });
    expectProblem(key, 403, "FORBIDDEN"); // an API key is not a person

    const ok = await disable({ password: user.password, code: codeAt(user.secret) });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await me(user.accessToken)).json<{ totpEnabled: boolean }>().totpEnabled).toBe(false);
    const row = await up.rt.db
      .selectFrom("users")
      .select(["totp_secret", "totp_enabled_at", "totp_last_step"])
      .where("id", "=", user.userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_secret: null, totp_enabled_at: null, totp_last_step: null });
    const codes = await up.rt.db
      .selectFrom("recovery_codes")
      .select("code_hash")
      .where("user_id", "=", user.userId)
      .execute();
    expect(codes).toHaveLength(0);
    const plain = await login(user.email, user.password);
    expect(plain.json<{ mfaRequired: boolean }>().mfaRequired).toBe(false);
    expectProblem(await disable({ password: user.password, code: codeAt(user.secret) }), 409, "CONFLICT");
    const disabled = (await auditOf(user.userId)).filter((a) => a.action === "user.totp_disable");
    expect(disabled).toEqual([
      {
        action: "user.totp_disable",
        organization_id: null,
        target_id: user.userId,
        summary: { confirmedWith: "code" },
      },
    ]);

    const lostPhone = await enrolled();
    const viaRecovery = await call(
      up,
      "POST",
      `${API}/me/totp/disable`,
      { password: lostPhone.password, recoveryCode: lostPhone.recoveryCodes[3] },
      lostPhone.headers,
    );
    expect(viaRecovery.statusCode, viaRecovery.body).toBe(204);
  });

  it("stores the secret encrypted and the recovery codes hashed", async () => {
    const user = await enrolled();
    const row = await up.rt.db
      .selectFrom("users")
      .select("totp_secret")
      .where("id", "=", user.userId)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toBeNull();
    expect(row.totp_secret).not.toContain(user.secret);
    expect(row.totp_secret).toMatch(/^v1\./);
    expect(decryptSecret(up.rt.keys.encryption, row.totp_secret ?? "")).toBe(user.secret);
    const stored = await up.rt.db
      .selectFrom("recovery_codes")
      .select(["code_hash", "used_at"])
      .where("user_id", "=", user.userId)
      .execute();
    expect(stored).toHaveLength(10);
    const hashes = stored.map((s) => s.code_hash).join(" ");
    for (const code of user.recoveryCodes) {
      expect(hashes).not.toContain(code);
      expect(hashes).not.toContain(code.replace("-", ""));
    }
  });

  it("replaces the recovery codes with the password and a code; the old ones stop working", async () => {
    const user = await enrolled();
    const regenerate = (body: Record<string, unknown>) =>
      call(up, "POST", `${API}/me/recovery-codes`, body, user.headers);
    expectProblem(
      await regenerate({ password: "not the password", code: codeAt(user.secret) }),
      403,
      "FORBIDDEN",
    );
    expectValidation(await regenerate({ password: user.password }), ["body.code"]);
    const res = await regenerate({ password: user.password, code: codeAt(user.secret) });
    expect(res.statusCode, res.body).toBe(200);
    const fresh = res.json<{ recoveryCodes: string[] }>().recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((c) => user.recoveryCodes.includes(c))).toEqual([]);
    const old = await mfa({ mfaToken: await challenge(user), recoveryCode: user.recoveryCodes[0] });
    expectProblem(old, 401, "UNAUTHENTICATED");
    expect((await mfa({ mfaToken: await challenge(user), recoveryCode: fresh[0] })).statusCode).toBe(200);
    const actions = (await auditOf(user.userId)).map((a) => a.action);
    expect(actions).toContain("user.recovery_codes_regenerate");
  });

  it("guards enrolment: a person only, the password, confirm after enrol, not twice", async () => {
    const user = await signInAs(up, "viewer");
    const byKey = await call(up, "POST", `${API}/me/totp`, { password: user.password });
    expectProblem(byKey, 403, "FORBIDDEN");
    const wrong = await call(up, "POST", `${API}/me/totp`, { password: "not the password" }, user.headers);
    expectProblem(wrong, 403, "FORBIDDEN");
    const early = await call(up, "POST", `${API}/me/totp/confirm`, { code: "123456" }, user.headers);
    expectProblem(early, 422, "PRECONDITION_FAILED");

    // Enrolling again before confirming replaces the secret: the first one's codes stop counting.
    const first = (await call(up, "POST", `${API}/me/totp`, { password: user.password }, user.headers)).json<{
      secret: string;
    }>();
    const second = (
      await call(up, "POST", `${API}/me/totp`, { password: user.password }, user.headers)
    ).json<{
      secret: string;
    }>();
    expect(second.secret).not.toBe(first.secret);
    const stale = await call(
      up,
      "POST",
      `${API}/me/totp/confirm`,
      { code: codeAt(first.secret) },
      user.headers,
    );
    expectProblem(stale, 403, "FORBIDDEN");
    const confirm = await call(
      up,
      "POST",
      `${API}/me/totp/confirm`,
      { code: codeAt(second.secret) },
      user.headers,
    );
    expect(confirm.statusCode, confirm.body).toBe(200);
    const twice = await call(up, "POST", `${API}/me/totp`, { password: user.password }, user.headers);
    expectProblem(twice, 409, "CONFLICT");
  });
});
