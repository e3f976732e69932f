/** Starting Upblit for tests of mailed links; not a test file itself. */
import { RATE_LIMITS, type RateLimitSettings } from "../services/rate-limit/settings.ts";
import { API_ONLY } from "./api-helpers.ts";
import type { TestDbKind } from "./db.ts";
import type { SmtpFixture } from "./smtp.ts";
import { startTestUpblit, type TestUpblit } from "./upblit.ts";

export const TEST_PUBLIC_URL = "https://upblit.test";

/**
 * Every inject() comes from 127.0.0.1, so a file full of refused links would soon meet the per-IP
 * limits; those have their own tests. Per-account and per-email limits stay as configured.
 */
const ROOMY_IP_LIMITS: RateLimitSettings = {
  ...RATE_LIMITS,
  credentials: {
    ...RATE_LIMITS.credentials,
    ip: { free: 10_000, memorySeconds: 60 },
    requestsPerIp: { limit: 10_000, seconds: 60 },
  },
  mail: { ...RATE_LIMITS.mail, perIp: { limit: 10_000, seconds: 60 } },
};

/** The API only, links under TEST_PUBLIC_URL, mail through `smtp` (or no mail at all). */
export function startMailUpblit(kind: TestDbKind, smtp: SmtpFixture | undefined): Promise<TestUpblit> {
  return startTestUpblit(
    kind,
    {
      ...API_ONLY,
      PUBLIC_URL: TEST_PUBLIC_URL,
      ...(smtp ? { SMTP_URL: smtp.url, SMTP_FROM: "Upblit <upblit@upblit.test>" } : {}),
    },
    { rateLimits: ROOMY_IP_LIMITS },
  );
}
