import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, ResultStatus } from "../domain/check-result.ts";
import { ManualClock } from "../lib/clock.ts";
import { recordResults } from "../services/checks/record-results.ts";
import {
  API,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  monitorBody,
} from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { type Receiver, startReceiver } from "../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const SECRET = `whsec_${Buffer.from("a test signing secret of 32 bytes").toString("base64")}`;
const MIN = 60_000;

describe.each(DB_KINDS)("silences on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 2, 1));
  let up: TestUpblit;
  let receiver: Receiver;
  let slot = 0;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,notifier" }, { clock, notifierPollMs: 25 });
    receiver = await startReceiver();
    const ch = await call(up, "POST", `${API}/channels`, {
      name: "all",
      kind: "webhook",
      config: { url: `${receiver.origin}/all` },
      secrets: { signingSecret: SECRET },
      isDefault: true,
    });
    expect(ch.statusCode, ch.body).toBe(201);
  });
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
  });

  const monitor = async () =>
    (await createMonitor(up, monitorBody("http", { failuresBeforeDown: 1, successesBeforeUp: 1 }))).id;
  async function check(monitorId: string, status: ResultStatus) {
    slot++;
    const result: CheckResult = {
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      slotAt: clock.now() - 1_000 + slot,
      startedAt: clock.now(),
      manual: false,
      status,
      statusCode: status === "down" ? 500 : 200,
      timings: { total: 5 },
      verdicts: [],
    };
    await recordResults(up.rt, [result]);
  }
  const sent = (monitorId: string) =>
    up.rt.db
      .selectFrom("notifications")
      .select(["event"])
      .where("monitor_id", "=", monitorId)
      .orderBy("created_at")
      .execute()
      .then((rows) => rows.map((r) => r.event));
  const state = async (id: string) =>
    (await call(up, "GET", `${API}/monitors/${id}`)).json<{ state: string }>().state;

  it("silenced until recovery: the outage alerts no one, goes on being tracked, and the recovery is sent", async () => {
    const id = await monitor();
    const set = await call(up, "PUT", `${API}/monitors/${id}/silence`, {
      reason: "migrating the DB",
      untilRecovery: true,
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({
      monitorId: id,
      untilRecovery: true,
      until: null,
      reason: "migrating the DB",
    });
    await check(id, "down");
    expect(await state(id)).toBe("down");
    const incidents = (await call(up, "GET", `${API}/incidents?monitorId=${id}`)).json<{
      items: unknown[];
    }>();
    expect(incidents.items).toHaveLength(1);
    expect(await sent(id)).toEqual([]);

    await check(id, "up");
    expect(await sent(id)).toEqual(["up"]);
    expect((await call(up, "GET", `${API}/monitors/${id}/silence`)).json()).toEqual({ silence: null });
    const audit = (await call(up, "GET", `${API}/audit-log?action=monitor.silence&targetId=${id}`)).json<{
      items: Array<{ summary: { reason: string } }>;
    }>();
    expect(audit.items[0]?.summary.reason).toBe("migrating the DB");
  });

  it("silenced until a time: quiet until then, alerts again after", async () => {
    const id = await monitor();
    const until = new Date(clock.now() + 10 * MIN).toISOString();
    expect(
      (await call(up, "PUT", `${API}/monitors/${id}/silence`, { reason: "known flake", until })).statusCode,
    ).toBe(200);
    await check(id, "down");
    await check(id, "up");
    expect(await sent(id)).toEqual([]);
    expect(
      (await call(up, "GET", `${API}/monitors/${id}/silence`)).json<{ silence: { until: string } }>().silence
        .until,
    ).toBe(until);
    clock.advance(11 * MIN);
    expect((await call(up, "GET", `${API}/monitors/${id}/silence`)).json()).toEqual({ silence: null });
    await check(id, "down");
    expect(await sent(id)).toEqual(["down"]);
  });

  it("ends on request, and refuses silences that make no sense", async () => {
    const id = await monitor();
    await call(up, "PUT", `${API}/monitors/${id}/silence`, { reason: "x", untilRecovery: true });
    expect((await call(up, "DELETE", `${API}/monitors/${id}/silence`)).statusCode).toBe(204);
    expectProblem(await call(up, "DELETE", `${API}/monitors/${id}/silence`), 404, "NOT_FOUND");
    await check(id, "down");
    expect(await sent(id)).toEqual(["down"]);

    const put = (body: unknown) => call(up, "PUT", `${API}/monitors/${id}/silence`, body);
    expectValidation(
      await put({ reason: "both", untilRecovery: true, until: new Date(clock.now() + MIN).toISOString() }),
      ["body.until"],
    );
    expectValidation(await put({ reason: "neither" }), ["body.until"]);
    expectValidation(await put({ reason: "past", until: new Date(clock.now() - MIN).toISOString() }), [
      "body.until",
    ]);
    expectValidation(
      await put({ reason: "too long", until: new Date(clock.now() + 31 * 86_400_000).toISOString() }),
      ["body.until"],
    );
    expectValidation(await put({ reason: "", untilRecovery: true }), ["body.reason"]);
    expectValidation(await put({ reason: "bidi \u202e", untilRecovery: true }), ["body.reason"]);
    expectProblem(
      await call(up, "PUT", `${API}/monitors/mon_nope/silence`, { reason: "x", untilRecovery: true }),
      404,
      "NOT_FOUND",
    );
  });
});
