/** Codes, calls and limits for the second-factor (TOTP) tests; not a test file itself. */
import { Secret, TOTP } from "otpauth";
import { expect } from "vitest";
import type { ManualClock } from "../lib/clock.ts";
import { RATE_LIMITS, type RateLimitSettings } from "../services/rate-limit/settings.ts";
import { signInAs, type TestUser } from "./accounts.ts";
import { API, call } from "./api-helpers.ts";
import { bearer } from "./sessions.ts";
import type { TestUpblit } from "./upblit.ts";

export const STEP_MS = 30_000;

/**
 * The general sign-in limits (per IP and per account) out of the way, so every refusal seen here
 * comes from the second factor's own attempt limit (rate-limit.api.test.ts covers those).
 */
export const LOOSE_LIMITS: RateLimitSettings = {
  ...RATE_LIMITS,
  credentials: {
    ...RATE_LIMITS.credentials,
    account: { free: 10_000, memorySeconds: 60 },
    ip: { free: 10_000, memorySeconds: 60 },
    requestsPerIp: { limit: 10_000, seconds: 60 },
  },
};

export interface Enrolled extends TestUser {
  secret: string;
  recoveryCodes: string[];
}

/**
 * The calls a second-factor test makes, against the app `upblit()` returns (it starts in the
 * caller's beforeAll) on `clock`, the app's manual clock.
 */
export function totpCalls(upblit: () => TestUpblit, clock: ManualClock) {
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
    call(upblit(), "POST", `${API}/auth/login`, { email, password }, { authorization: "" });
  const mfa = (body: Record<string, unknown>) =>
    call(upblit(), "POST", `${API}/auth/mfa`, body, { authorization: "" });
  const me = (token: string) => call(upblit(), "GET", `${API}/me`, undefined, bearer(token));
  const auditOf = (userId: string) =>
    upblit()
      .rt.db.selectFrom("audit_log")
      .select(["action", "organization_id", "target_id", "summary"])
      .where("actor_id", "=", userId)
      .orderBy("id")
      .execute();

  /** A signed-in person who enrolled and confirmed; the confirming code's step is behind us. */
  async function enrolled(): Promise<Enrolled> {
    const up = upblit();
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

  return { codeAt, wrongCode, nextStep, login, mfa, me, auditOf, enrolled, challenge };
}
