import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, API_ONLY, call } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

describe.each(DB_KINDS)("the request log on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  /** Log lines whose request id is one of these responses'. */
  const linesOf = (ids: string[]) => up.logs.filter((l) => ids.includes(String(l.reqId)));

  it("masks anything shaped like an API key wherever it appears in a logged URL or detail", async () => {
    const key = up.apiKey;
    const secret = key.slice(4);
    const mistyped = `upb_${"Q".repeat(20)}`;
    const probeToken = `upb_probe_${"P".repeat(36)}`;
    const responses = [
      // A real key as an id: the route exists, the monitor does not (its detail echoes the id).
      await call(up, "GET", `${API}/monitors/${key}`),
      // As a segment of an unknown route, without credentials.
      await call(up, "GET", `${API}/keys/${key}/check`, undefined, { authorization: "" }),
      // Percent-encoded underscore, and a mistyped key.
      await call(up, "GET", `${API}/monitors/upb%5F${secret}`),
      await call(up, "GET", `/somewhere/${mistyped}/else`),
      // A probe token (its own underscore must not end the mask).
      await call(up, "GET", `/somewhere/${probeToken}/else`),
    ];
    const ids = responses.map((r) => String(r.headers["x-request-id"]));
    // The request line is written when the response has been sent; wait for all of them.
    const deadline = Date.now() + 30_000;
    while (linesOf(ids).filter((l) => l.msg === "request").length < ids.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const lines = linesOf(ids);
    const urls = lines.filter((l) => l.msg === "request").map((l) => l.url);
    expect(urls).toEqual([
      `${API}/monitors/upb_…`,
      `${API}/keys/upb_…/check`,
      `${API}/monitors/upb_…`,
      "/somewhere/upb_…/else",
      "/somewhere/upb_…/else",
    ]);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain("Q".repeat(20));
    expect(logged).not.toContain("P".repeat(36));
    expect(logged).toContain("No monitor upb_… in this organization");
  });
});
