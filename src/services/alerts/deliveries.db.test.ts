import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { createChannel } from "./channels.ts";
import {
  claimDueDeliveries,
  recordAttempt,
  recordAttempts,
  releaseClaims,
  retryDelayMs,
  retryNotification,
} from "./deliveries.ts";

describe("retryDelayMs", () => {
  it("doubles from 10 s to an hour, with 50–100 % jitter, never under Retry-After", () => {
    expect(retryDelayMs(1, undefined, () => 0)).toBe(5_000);
    expect(retryDelayMs(1, undefined, () => 1)).toBe(10_000);
    expect(retryDelayMs(3, undefined, () => 1)).toBe(40_000);
    expect(retryDelayMs(30, undefined, () => 1)).toBe(3_600_000);
    expect(retryDelayMs(1, 60_000, () => 0.5)).toBe(60_000);
  });
});

describe.each(DB_KINDS)("claims and leases on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 4, 1));
  let up: TestUpblit;
  let channelId: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    channelId = (
      await createChannel(up.ctx, {
        name: "n",
        kind: "ntfy",
        config: { topic: "t" },
        secrets: {},
        isDefault: false,
        events: ["down"],
      })
    ).id;
  });
  afterAll(async () => up?.close());

  async function pending(): Promise<string> {
    const id = newId("ntf");
    await up.rt.db
      .insertInto("notifications")
      .values({
        id,
        organization_id: up.organizationId,
        channel_id: channelId,
        event: "down",
        message: JSON.stringify({ notificationId: id }),
        status: "pending",
        next_attempt_at: new Date(clock.now()),
        give_up_at: new Date(clock.now() + 86_400_000),
        created_at: new Date(clock.now()),
      })
      .execute();
    return id;
  }
  const row = (id: string) =>
    up.rt.db.selectFrom("notifications").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  it("gives back an unsent claim: pending again at once, its attempt uncounted, never someone else's", async () => {
    const id = await pending();
    const [claim] = (await claimDueDeliveries(up.rt, 10, 1_000)).filter((d) => d.id === id);
    expect(claim?.attempts).toBe(1);
    await releaseClaims(up.rt, [claim!]);
    expect(await row(id)).toMatchObject({ status: "pending", attempts: 0, lease_until: null });
    const [again] = (await claimDueDeliveries(up.rt, 10, 1_000)).filter((d) => d.id === id);
    expect(again?.attempts).toBe(1);

    // A stale claim (lapsed, and claimed again by another notifier) gives back nothing.
    clock.advance(1_001);
    const [newer] = (await claimDueDeliveries(up.rt, 10, 1_000)).filter((d) => d.id === id);
    expect(newer?.attempts).toBe(2);
    await releaseClaims(up.rt, [again!]);
    expect(await row(id)).toMatchObject({ status: "sending", attempts: 2 });
    await recordAttempt(up.rt, newer!, { ok: true, statusCode: 200 }, 5);
    expect((await row(id)).status).toBe("sent");
  });

  it("claims a row once while its lease holds, again once it lapses, and only the newest claim records", async () => {
    const id = await pending();
    const [first] = (await claimDueDeliveries(up.rt, 10, 1_000)).filter((d) => d.id === id);
    expect(first).toBeDefined();
    expect((await claimDueDeliveries(up.rt, 10, 1_000)).map((d) => d.id)).not.toContain(id);
    clock.advance(1_001);
    const [second] = (await claimDueDeliveries(up.rt, 10, 1_000)).filter((d) => d.id === id);
    expect(second?.attempts).toBe(2);

    // The first notifier wakes up late with a failure: its attempt is kept, the row is not its own.
    await recordAttempt(up.rt, first!, { ok: false, retryable: true, error: "late" }, 5);
    expect((await row(id)).status).toBe("sending");
    await recordAttempt(up.rt, second!, { ok: true, statusCode: 200 }, 5);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2, last_error: null });
    const attempts = await up.rt.db
      .selectFrom("delivery_attempts")
      .select("outcome")
      .where("notification_id", "=", id)
      .orderBy("at")
      .execute();
    expect(attempts.map((a) => a.outcome).sort()).toEqual(["retry", "sent"]);
  });

  it("records a batch of attempts in one go, each by its own outcome and claim", async () => {
    const ids = [await pending(), await pending(), await pending(), await pending()];
    const claims = (await claimDueDeliveries(up.rt, 50, 60_000)).filter((d) => ids.includes(d.id));
    const byId = new Map(claims.map((c) => [c.id, c]));
    const [sentId, retryId, deadId, staleId] = ids as [string, string, string, string];
    const at = clock.now();
    // The stale one's claim is not the row's current one (another notifier claimed it since).
    const stale = { ...byId.get(staleId)!, leaseUntil: new Date(at - 1) };
    const results = await recordAttempts(up.rt, [
      { delivery: byId.get(sentId)!, outcome: { ok: true, statusCode: 200 }, latencyMs: 3, at },
      {
        delivery: byId.get(retryId)!,
        outcome: { ok: false, retryable: true, error: "busy", statusCode: 503 },
        latencyMs: 4,
        at,
      },
      {
        delivery: byId.get(deadId)!,
        outcome: { ok: false, retryable: false, error: "bad request", statusCode: 400 },
        latencyMs: 5,
        at,
      },
      { delivery: stale, outcome: { ok: true, statusCode: 200 }, latencyMs: 6, at },
    ]);
    expect(results).toEqual(["sent", "retry", "failed", "sent"]);
    expect(await row(sentId)).toMatchObject({ status: "sent", last_error: null, lease_until: null });
    expect((await row(sentId)).sent_at?.getTime()).toBe(at);
    const retried = await row(retryId);
    expect(retried).toMatchObject({ status: "pending", last_error: "busy", sent_at: null });
    expect(retried.next_attempt_at.getTime()).toBeGreaterThan(at);
    expect(await row(deadId)).toMatchObject({ status: "failed", last_error: "bad request" });
    // The stale claim's attempt is kept, but the row stays with its current claim.
    expect((await row(staleId)).status).toBe("sending");
    const attempts = await up.rt.db
      .selectFrom("delivery_attempts")
      .select(["notification_id", "outcome", "status_code", "latency_ms"])
      .where("notification_id", "in", ids)
      .execute();
    expect(attempts).toHaveLength(4);
    expect(attempts.find((a) => a.notification_id === retryId)).toMatchObject({
      outcome: "retry",
      status_code: 503,
      latency_ms: 4,
    });
    expect(await recordAttempts(up.rt, [])).toEqual([]);
  });

  it("dead-letters a retryable failure once the retry window is over", async () => {
    const id = await pending();
    await up.rt.db
      .updateTable("notifications")
      .set({ give_up_at: new Date(clock.now() + 1_000) })
      .where("id", "=", id)
      .execute();
    const [claim] = (await claimDueDeliveries(up.rt, 10, 60_000)).filter((d) => d.id === id);
    expect(await recordAttempt(up.rt, claim!, { ok: false, retryable: true, error: "still down" }, 5)).toBe(
      "failed",
    );
    expect((await row(id)).status).toBe("failed");
  });

  it("announces each move of a delivery on the live bus: claimed, recorded, sent again", async () => {
    const seen: string[] = [];
    const unsubscribe = up.rt.bus.subscribe(up.organizationId, (e) => {
      if (e.type === "delivery.changed") seen.push(`${e.notificationId} ${e.channelId} ${e.status}`);
    });
    try {
      const id = await pending();
      const [claim] = (await claimDueDeliveries(up.rt, 10, 60_000)).filter((d) => d.id === id);
      await recordAttempt(up.rt, claim!, { ok: false, retryable: false, error: "refused" }, 5);
      await retryNotification(up.ctx, id);
      const ofThis = seen.filter((s) => s.startsWith(`${id} `));
      expect(ofThis).toEqual([
        `${id} ${channelId} sending`,
        `${id} ${channelId} failed`,
        `${id} ${channelId} pending`,
      ]);
      // An attempt recorded by a notifier that lost its claim moved nothing: nothing is announced.
      const [again] = (await claimDueDeliveries(up.rt, 10, 1_000)).filter((d) => d.id === id);
      clock.advance(1_001);
      await claimDueDeliveries(up.rt, 10, 1_000);
      const before = seen.length;
      await recordAttempt(up.rt, again!, { ok: true, statusCode: 200 }, 5);
      expect(seen.length).toBe(before);
    } finally {
      unsubscribe();
    }
  });
});
