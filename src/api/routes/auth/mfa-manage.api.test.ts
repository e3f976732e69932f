import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { decryptSecret } from "../../../lib/keys.ts";
import { signInAs } from "../../../test/accounts.ts";
import { API, API_ONLY, call, expectProblem, expectValidation } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { LOOSE_LIMITS, totpCalls } from "../../../test/totp.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// Managing the second factor: turning it off, how it is stored, new recovery codes, enrolment
// guards. Enrolment and signing in with it are in mfa.api.test.ts.

describe.each(DB_KINDS)("second factor (TOTP) on %s", (kind) => {
  let up: TestUpblit;
  // 10 s into a 30-second step, so "one step earlier/later" is never ambiguous.
  const clock = new ManualClock(Date.UTC(2031, 0, 1, 0, 0, 10));

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY, { clock, rateLimits: LOOSE_LIMITS });
  });
  afterAll(async () => up?.close());

  const { codeAt, wrongCode, login, mfa, me, auditOf, enrolled, challenge } = totpCalls(() => up, clock);

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
