import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./db.ts";
import { startTestUpblit, type TestUpblit } from "./upblit.ts";

describe.each(DB_KINDS)("start-up on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" });
  });
  afterAll(async () => up?.close());

  it("migrates, creates the default organization and answers readiness", async () => {
    const res = await up.app!.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ready" });
    expect(up.organizationId).toMatch(/^org_[0-9a-z]{26}$/);
  });
});
