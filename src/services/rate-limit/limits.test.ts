import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors.ts";
import { createLogger } from "../../lib/logger.ts";
import { beginCredentialAttempt, finishCredentialAttempt } from "./credentials.ts";
import { openRateLimits, type RateLimits } from "./limiter.ts";
import { countApiRequest, countMailRequest } from "./requests.ts";
import { backoffSeconds, RATE_LIMITS, type RateLimitSettings } from "./settings.ts";

describe("backoffSeconds", () => {
  it("doubles from the first back-off with each failure beyond the allowance, up to the cap", () => {
    const c = { ...RATE_LIMITS.credentials, backoffFirstSeconds: 1, backoffMaxSeconds: 900 };
    expect([1, 2, 3, 4, 5, 10, 11, 50].map((n) => backoffSeconds(c, n))).toEqual([
      1, 2, 4, 8, 16, 512, 900, 900,
    ]);
  });

  it("is whole seconds of at least one, because a Redis expiry of 0 would mean forever", () => {
    const c = { ...RATE_LIMITS.credentials, backoffFirstSeconds: 0.2, backoffMaxSeconds: 0.4 };
    expect(backoffSeconds(c, 1)).toBe(1);
    expect(backoffSeconds(c, 20)).toBe(1);
  });
});

function settings(): RateLimitSettings {
  return {
    keyPrefix: `upblit-test:${randomUUID()}`,
    credentials: {
      ...RATE_LIMITS.credentials,
      account: { free: 2, memorySeconds: 60 },
      ip: { free: 3, memorySeconds: 60 },
    },
    mail: { perEmail: { limit: 2, seconds: 60 }, perIp: { limit: 4, seconds: 60 } },
    api: { perKey: { limit: 2, seconds: 60 }, perUser: { limit: 3, seconds: 60 } },
  };
}

/** Runs `fn` and returns the LIMIT_EXCEEDED error it throws (failing if it does not). */
async function refusal(fn: () => Promise<unknown>): Promise<AppError> {
  const err = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe("LIMIT_EXCEEDED");
  return err as AppError;
}

async function fail(limits: RateLimits, ip: string, account: string | undefined): Promise<void> {
  await finishCredentialAttempt(limits, await beginCredentialAttempt(limits, { ip, account }), "failure");
}

describe.each(["memory", "redis"] as const)("rate limits in %s", (store) => {
  let limits: RateLimits;
  beforeAll(async () => {
    limits = await openRateLimits({
      redisUrl: store === "redis" ? "redis://127.0.0.1:6379" : undefined,
      log: createLogger("silent"),
      settings: settings(),
    });
    expect(limits.store).toBe(store);
  });
  afterAll(async () => {
    await limits?.close();
  });

  it("a locked-out login does not stop password reset requests for the same email", async () => {
    const email = `victim-${randomUUID()}`;
    for (let i = 0; i < 3; i++) await fail(limits, `ip-${randomUUID()}`, email);
    const refused = await refusal(() => beginCredentialAttempt(limits, { ip: "ip-victim", account: email }));
    expect(refused.details?.retryAfterSeconds).toBe(1);
    await countMailRequest(limits, { ip: "ip-victim", emailKey: email });
  });

  it("caps mail requests per email and per IP with a retry-after", async () => {
    const ip = `ip-${randomUUID()}`;
    const email = `a-${randomUUID()}`;
    await countMailRequest(limits, { ip, emailKey: email });
    await countMailRequest(limits, { ip, emailKey: email });
    const perEmail = await refusal(() =>
      countMailRequest(limits, { ip: `ip-${randomUUID()}`, emailKey: email }),
    );
    expect(perEmail.details?.retryAfterSeconds).toBeGreaterThan(50);
    await countMailRequest(limits, { ip, emailKey: `b-${randomUUID()}` });
    // The refused request above came from another IP; this IP has used 3 of its 4.
    await countMailRequest(limits, { ip, emailKey: undefined });
    await refusal(() => countMailRequest(limits, { ip, emailKey: `c-${randomUUID()}` }));
  });

  it("a server error takes the presumed failure back", async () => {
    const ip = `ip-${randomUUID()}`;
    const account = `acct-${randomUUID()}`;
    for (let i = 0; i < 10; i++) {
      await finishCredentialAttempt(limits, await beginCredentialAttempt(limits, { ip, account }), "neutral");
    }
    // Nothing was counted: the whole free allowance is still there.
    await fail(limits, ip, account);
    await fail(limits, ip, account);
    await fail(limits, ip, account);
    await refusal(() => beginCredentialAttempt(limits, { ip, account }));
  });

  it("a success clears the account's failures but not the IP's", async () => {
    const ip = `ip-${randomUUID()}`;
    const account = `acct-${randomUUID()}`;
    await fail(limits, ip, account);
    await fail(limits, ip, account);
    await finishCredentialAttempt(limits, await beginCredentialAttempt(limits, { ip, account }), "success");
    // The account starts afresh; the IP has 2 of its 3 free failures behind it.
    await fail(limits, ip, account);
    await fail(limits, ip, `other-${randomUUID()}`);
    await refusal(() => beginCredentialAttempt(limits, { ip, account: `third-${randomUUID()}` }));
    await beginCredentialAttempt(limits, { ip: `ip-${randomUUID()}`, account });
  });

  it("counts API keys and people separately", async () => {
    const keyId = `key_${randomUUID()}`;
    const userId = `usr_${randomUUID()}`;
    await countApiRequest(limits, { kind: "apiKey", keyId });
    await countApiRequest(limits, { kind: "apiKey", keyId });
    await refusal(() => countApiRequest(limits, { kind: "apiKey", keyId }));
    for (let i = 0; i < 3; i++) await countApiRequest(limits, { kind: "user", userId });
    await refusal(() => countApiRequest(limits, { kind: "user", userId }));
  });
});
