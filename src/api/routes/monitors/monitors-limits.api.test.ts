import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, API_ONLY, call, createMonitor, expectProblem, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

describe.each(DB_KINDS)("monitors per organization limit on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, MAX_MONITORS_PER_ORG: "3" });
  });
  afterAll(async () => up?.close());

  it("refuses the monitor over the limit with 429, and counts a delete (with its history) back", async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createMonitor(up, monitorBody("tcp", { name: `m${i}` })));
    const over = expectProblem(
      await call(up, "POST", `${API}/monitors`, monitorBody("tcp")),
      429,
      "LIMIT_EXCEEDED",
    );
    expect(over.detail).toContain("limit of 3 monitors");
    expect((await call(up, "GET", `${API}/monitors`)).json().items).toHaveLength(3);

    const victim = made[0]!.id;
    await up.rt.db
      .insertInto("check_results")
      .values({
        organization_id: up.organizationId,
        monitor_id: victim,
        region: "local",
        slot_at: new Date(),
        lateness_ms: 0,
        manual: false,
        status: "up",
        status_code: null,
        dns_ms: null,
        connect_ms: null,
        tls_ms: null,
        ttfb_ms: null,
        total_ms: 1,
        error_kind: null,
        error: null,
        verdicts: null,
      })
      .execute();
    expect((await call(up, "DELETE", `${API}/monitors/${victim}`)).statusCode).toBe(204);
    const left = await up.rt.db
      .selectFrom("check_history")
      .select("monitor_id")
      .where("monitor_id", "=", victim)
      .execute();
    expect(left).toEqual([]);
    expect((await call(up, "POST", `${API}/monitors`, monitorBody("tcp"))).statusCode).toBe(201);
  });
});
