import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserWithRole } from "../../../services/accounts/users.ts";
import { API, API_ONLY, expectProblem } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { OWNER, ROOMY_RATE_LIMITS, startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/**
 * GET /api/v1/setup tells a browser on a fresh install to go to the first-run screen: public,
 * answered without a credential, and capped per address like other public routes.
 */
describe.each(DB_KINDS)("whether setup is required on %s", (kind) => {
  let up: TestUpblit;

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY, {
      bootstrap: false,
      rateLimits: { ...ROOMY_RATE_LIMITS, public: { perIp: { limit: 4, seconds: 600 } } },
    });
  }, 180_000);
  afterAll(async () => up?.close());

  const ask = (ip: string) => up.app!.inject({ method: "GET", url: `${API}/setup`, remoteAddress: ip });

  it("says required until the owner exists, then not; refuses a flood from one address", async () => {
    const first = await ask("192.0.2.1");
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ required: true, needed: true });
    await createUserWithRole(up.rt, { ...OWNER, role: "owner" });
    expect((await ask("192.0.2.1")).json()).toEqual({ required: false, needed: false });
    expect((await ask("192.0.2.1")).statusCode).toBe(200);
    expect((await ask("192.0.2.1")).statusCode).toBe(200);
    const refused = await ask("192.0.2.1");
    expectProblem(refused, 429, "LIMIT_EXCEEDED");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // Another address is counted on its own.
    expect((await ask("192.0.2.2")).statusCode).toBe(200);
  });
});
