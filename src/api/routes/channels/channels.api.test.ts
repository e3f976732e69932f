import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, API_ONLY, call, expectProblem } from "../../../test/api-helpers.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// Whether a mail server is configured is not a database matter: one database is enough here.
describe("email channels without a mail server", () => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit("pglite", API_ONLY);
  });
  afterAll(async () => up?.close());

  it("are refused at creation with the setting to fix, instead of retrying for a day", async () => {
    const res = await call(up, "POST", `${API}/channels`, {
      name: "mail",
      kind: "email",
      config: { to: ["ops@example.com"] },
    });
    const problem = expectProblem(res, 422, "PRECONDITION_FAILED");
    expect(problem.detail).toContain("SMTP_URL");
    expect(problem.errors).toEqual([{ path: "body.kind", message: "no SMTP server is configured" }]);
    const list = await call(up, "GET", `${API}/channels`);
    expect(list.json()).toEqual({ items: [], nextCursor: null });
  });
});
