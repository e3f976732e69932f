import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckResult, ResultStatus } from "../domain/check-result.ts";
import { ManualClock } from "../lib/clock.ts";
import { recordResults } from "../services/checks/record-results.ts";
import { otherOrganization } from "../test/accounts.ts";
import { API, call, createMonitor, expectProblem, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { type Receiver, startReceiver } from "../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

/**
 * The delivery pipeline end to end: a state change committed by the evaluator's own service
 * writes outbox rows, the notifier role delivers them to a real local receiver, retries with
 * back-off (a controlled clock), dead-letters, and retries on request.
 */
const SECRET = `whsec_${Buffer.from("a test signing secret of 32 bytes").toString("base64")}`;

describe.each(DB_KINDS)("alert delivery on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 0, 1));
  let up: TestUpblit;
  let receiver: Receiver;
  let channelId: string;
  let slot = 0;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,notifier" }, { clock, notifierPollMs: 25 });
    receiver = await startReceiver();
    const res = await call(up, "POST", `${API}/channels`, {
      name: "ops webhook",
      kind: "webhook",
      config: { url: `${receiver.origin}/hooks/upblit` },
      secrets: { signingSecret: SECRET },
      isDefault: true,
      events: ["down", "up"],
    });
    expect(res.statusCode, res.body).toBe(201);
    channelId = res.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.answer(200, "{}");
  });

  function result(monitorId: string, status: ResultStatus): CheckResult {
    slot++;
    const slotAt = clock.now() - 1_000 + slot;
    return {
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      slotAt,
      startedAt: clock.now(),
      manual: false,
      status,
      statusCode: status === "down" ? 503 : 200,
      timings: { total: 12 },
      verdicts:
        status === "down" ? [{ assertion: "status in [200]", ok: false, severity: "hard", actual: 503 }] : [],
    };
  }
  const monitor = async (name: string) =>
    (await createMonitor(up, monitorBody("http", { name, failuresBeforeDown: 1, successesBeforeUp: 1 }))).id;
  const notifications = (monitorId: string) =>
    up.rt.db
      .selectFrom("notifications")
      .selectAll()
      .where("monitor_id", "=", monitorId)
      .orderBy("created_at")
      .execute();
  const verify = (r: { body: string; headers: Record<string, unknown> }) =>
    new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>) as {
      type: string;
      data: Record<string, unknown>;
    };

  it("a monitor going down and recovering sends a signed down and a signed up, once each", async () => {
    const id = await monitor("Checkout <API>");
    await recordResults(up.rt, [result(id, "down")]);
    const [down] = await receiver.waitFor(1);
    expect(down!.method).toBe("POST");
    expect(down!.path).toBe("/hooks/upblit");
    const payload = verify(down!);
    expect(payload.type).toBe("monitor.down");
    expect(payload.data).toMatchObject({
      state: "down",
      previousState: "pending",
      drill: false,
      monitor: { id, name: "Checkout <API>" },
    });
    expect(String(payload.data.cause)).toContain("status in [200]");
    // Recorded before the clock jumps past the claim's lease (else it would rightly go again).
    await expect.poll(async () => (await notifications(id))[0]?.status).toBe("sent");

    clock.advance(90_000);
    await recordResults(up.rt, [result(id, "up")]);
    const [, recovered] = await receiver.waitFor(2);
    const upPayload = verify(recovered!);
    expect(upPayload.type).toBe("monitor.up");
    expect((upPayload.data.incident as { durationMs: number }).durationMs).toBe(90_000);
    // A result that changes nothing sends nothing.
    await recordResults(up.rt, [result(id, "up")]);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests).toHaveLength(2);
    const rows = await notifications(id);
    expect(rows.map((r) => [r.event, r.status, r.attempts])).toEqual([
      ["down", "sent", 1],
      ["up", "sent", 1],
    ]);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"]))).toEqual(
      new Set(rows.map((r) => r.id)),
    );
  });

  it("retries a failing receiver with back-off, with the same webhook-id, until it answers", async () => {
    const id = await monitor("flaky receiver");
    receiver.answer(503, "busy");
    await recordResults(up.rt, [result(id, "down")]);
    await receiver.waitFor(1);
    await expect.poll(async () => (await notifications(id))[0]?.status).toBe("pending");
    const [pending] = await notifications(id);
    const wait = pending!.next_attempt_at.getTime() - clock.now();
    expect(wait).toBeGreaterThanOrEqual(5_000);
    expect(wait).toBeLessThanOrEqual(10_000);
    // Not due yet: nothing more is sent.
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.requests).toHaveLength(1);
    receiver.answer(200, "{}");
    clock.advance(wait);
    await receiver.waitFor(2);
    await expect.poll(async () => (await notifications(id))[0]?.status).toBe("sent");
    expect(receiver.requests[0]!.headers["webhook-id"]).toBe(receiver.requests[1]!.headers["webhook-id"]);
    const list = await call(up, "GET", `${API}/notifications?monitorId=${id}`);
    const item = list.json<{
      items: Array<{ attempts: number; deliveryAttempts: Array<{ outcome: string; statusCode: number }> }>;
    }>().items[0]!;
    expect(item.deliveryAttempts.map((a) => [a.outcome, a.statusCode])).toEqual([
      ["retry", 503],
      ["sent", 200],
    ]);
  });

  it("dead-letters a refused delivery and sends it again on request", async () => {
    const id = await monitor("refused");
    receiver.answer(400, "bad payload");
    await recordResults(up.rt, [result(id, "down")]);
    await receiver.waitFor(1);
    await expect.poll(async () => (await notifications(id))[0]?.status).toBe("failed");
    const dead = await call(up, "GET", `${API}/notifications?status=failed&monitorId=${id}`);
    const [letter] = dead.json<{ items: Array<{ id: string; lastError: string }> }>().items;
    expect(letter!.lastError).toContain("400");
    receiver.answer(200, "{}");
    expect((await call(up, "POST", `${API}/notifications/${letter!.id}/retry`)).statusCode).toBe(202);
    await receiver.waitFor(2);
    await expect.poll(async () => (await notifications(id))[0]?.status).toBe("sent");
    // Only dead letters can be retried.
    expectProblem(await call(up, "POST", `${API}/notifications/${letter!.id}/retry`), 404, "NOT_FOUND");
  });

  it("gives up after the retry window and disables a channel whose endpoint is gone (410)", async () => {
    const gone = await startReceiver();
    try {
      gone.answer(410, "");
      const ch = await call(up, "POST", `${API}/channels`, {
        name: "gone",
        kind: "webhook",
        config: { url: `${gone.origin}/x` },
        secrets: { signingSecret: SECRET },
      });
      const goneId = ch.json<{ id: string }>().id;
      const id = await monitor("to a gone endpoint");
      await call(up, "PUT", `${API}/monitors/${id}/channels`, { channelIds: [goneId] });
      await recordResults(up.rt, [result(id, "down")]);
      await gone.waitFor(1);
      await expect
        .poll(
          async () =>
            (await call(up, "GET", `${API}/channels/${goneId}`)).json<{ enabled: boolean }>().enabled,
        )
        .toBe(false);
      const channel = (await call(up, "GET", `${API}/channels/${goneId}`)).json<{ disabledReason: string }>();
      expect(channel.disabledReason).toContain("410");
    } finally {
      await gone.close();
    }
  });

  it("a non-default channel alerts only the monitors that name it", async () => {
    const other = await startReceiver();
    try {
      const ch = await call(up, "POST", `${API}/channels`, {
        name: "team b",
        kind: "webhook",
        config: { url: `${other.origin}/b` },
        secrets: { signingSecret: SECRET },
      });
      const teamB = ch.json<{ id: string }>().id;
      const named = await monitor("names team b");
      const unnamed = await monitor("does not");
      const set = await call(up, "PUT", `${API}/monitors/${named}/channels`, { channelIds: [teamB] });
      expect(set.json()).toEqual({ channelIds: [teamB] });
      await recordResults(up.rt, [result(named, "down"), result(unnamed, "down")]);
      await other.waitFor(1);
      await receiver.waitFor(2); // the default channel hears both
      await new Promise((r) => setTimeout(r, 300));
      expect(other.requests).toHaveLength(1);
      expect(verify(other.requests[0]!).data).toMatchObject({ monitor: { id: named } });
    } finally {
      await other.close();
    }
  });

  it("keeps secrets write-only and encrypted at rest", async () => {
    const res = await call(up, "GET", `${API}/channels/${channelId}`);
    expect(res.json()).toMatchObject({ kind: "webhook", secretsSet: ["signingSecret"] });
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain("whsec_");
    const row = await up.rt.db
      .selectFrom("notification_channels")
      .select("secrets")
      .where("id", "=", channelId)
      .executeTakeFirstOrThrow();
    expect(row.secrets).not.toContain("whsec_");
    expect(row.secrets.startsWith("v1.")).toBe(true);
    // Changing the name keeps the secret; the channel still signs with it.
    const renamed = await call(up, "PATCH", `${API}/channels/${channelId}`, {
      name: "ops webhook (renamed)",
    });
    expect(renamed.json()).toMatchObject({ name: "ops webhook (renamed)", secretsSet: ["signingSecret"] });
    const test = await call(up, "POST", `${API}/channels/${channelId}/test`);
    expect(test.json()).toEqual({ ok: true, statusCode: 200, error: null });
    const [sent] = await receiver.waitFor(1);
    expect(verify(sent!)).toMatchObject({ type: "test", data: { drill: true } });
  });

  it("validates each kind's settings and names every wrong field", async () => {
    const res = await call(up, "POST", `${API}/channels`, {
      name: "bad",
      kind: "webhook",
      config: { url: "ftp://x", extra: 1 },
      // Left out, a signing secret is generated; a wrong one is refused.
      secrets: { signingSecret: "not-a-whsec-secret" },
    });
    const body = expectProblem(res, 400, "VALIDATION");
    const paths = body.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(["body.config.url", "body.config.extra", "body.secrets.signingSecret"]),
    );
    expectProblem(
      await call(up, "POST", `${API}/channels`, { name: "x", kind: "carrier-pigeon" }),
      400,
      "VALIDATION",
    );
    const kinds = (await call(up, "GET", `${API}/channel-kinds`)).json<{ items: Array<{ kind: string }> }>();
    expect(kinds.items.map((k) => k.kind).sort()).toEqual(
      [
        "discord",
        "email",
        "googlechat",
        "gotify",
        "matrix",
        "mattermost",
        "ntfy",
        "opsgenie",
        "pagerduty",
        "pushover",
        "slack",
        "teams",
        "telegram",
        "webhook",
      ].sort(),
    );
  });

  it("a test-send to a refused address and to a dead one read the same", async () => {
    const blocked = await startTestUpblit(kind, { UPBLIT_ROLES: "api", ALLOW_PRIVATE_TARGETS: "false" });
    try {
      const answers = [];
      for (const url of ["http://169.254.169.254/latest", "http://127.0.0.1:1/nothing"]) {
        const ch = await call(blocked, "POST", `${API}/channels`, {
          name: "t",
          kind: "webhook",
          config: { url },
          secrets: { signingSecret: SECRET },
        });
        expect(ch.statusCode, ch.body).toBe(201);
        answers.push(
          (await call(blocked, "POST", `${API}/channels/${ch.json<{ id: string }>().id}/test`)).json(),
        );
      }
      expect(answers[0]).toEqual({ ok: false, statusCode: null, error: "could not connect to the receiver" });
      expect(answers[1]).toEqual(answers[0]);
    } finally {
      await blocked.close();
    }
  });

  it("refuses another organization's channel on a monitor, and changes nothing", async () => {
    const b = await otherOrganization(up);
    const theirs = await call(
      up,
      "POST",
      `${API}/channels`,
      {
        name: "b's",
        kind: "webhook",
        config: { url: `${receiver.origin}/b` },
        secrets: { signingSecret: SECRET },
      },
      b.headers,
    );
    const theirId = theirs.json<{ id: string }>().id;
    const id = await monitor("mine");
    const res = await call(up, "PUT", `${API}/monitors/${id}/channels`, { channelIds: [channelId, theirId] });
    expectProblem(res, 404, "NOT_FOUND");
    expect((await call(up, "GET", `${API}/monitors/${id}/channels`)).json()).toEqual({ channelIds: [] });
    expectProblem(await call(up, "GET", `${API}/channels/${theirId}`), 404, "NOT_FOUND");
    expectProblem(await call(up, "POST", `${API}/channels/${theirId}/test`), 404, "NOT_FOUND");
  });
});
