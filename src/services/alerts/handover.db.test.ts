import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../domain/check-result.ts";
import { ManualClock } from "../../lib/clock.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { recordResults } from "../checks/record-results.ts";
import { createMonitor } from "../monitors/create.ts";
import { createChannel } from "./channels.ts";
import { claimDueDeliveries, recordAttempts } from "./deliveries.ts";
import type { ClaimedDelivery, DeliveryHandover } from "./handover.ts";

const T0 = Date.UTC(2031, 6, 1);

/** A notifier that takes what it is handed, with the room the test gives it. */
class TakingNotifier implements DeliveryHandover {
  readonly leaseMs = 60_000;
  taken: ClaimedDelivery[] = [];
  constructor(public space: number) {}
  room(): number {
    return this.space;
  }
  take(claimed: ClaimedDelivery[]): void {
    this.taken.push(...claimed);
  }
}

describe.each(DB_KINDS)("outbox rows handed to this process's notifier on %s", (kind) => {
  const clock = new ManualClock(T0);
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
        isDefault: true,
        events: ["down", "up"],
      })
    ).id;
  });
  afterAll(async () => up?.close());

  const down = (monitorId: string, slot: number): CheckResult => ({
    monitorId,
    organizationId: up.organizationId,
    region: "local",
    slotAt: T0 + slot * 60_000,
    startedAt: T0 + slot * 60_000 + 5,
    manual: false,
    status: "down",
    statusCode: 500,
    timings: { total: 3 },
    verdicts: [{ assertion: "status in [200]", ok: false, severity: "hard", actual: 500 }],
  });
  const rows = (monitorIds: string[]) =>
    up.rt.db
      .selectFrom("notifications")
      .select(["id", "monitor_id", "status", "attempts", "lease_until"])
      .where("monitor_id", "in", monitorIds)
      .execute();

  it("claims up to the room as the rows are written, hands them over after commit, leaves the rest to claims", async () => {
    const a = (await createMonitor(up.ctx, monitorDefinition({ name: "a" }))).id;
    const b = (await createMonitor(up.ctx, monitorDefinition({ name: "b" }))).id;
    const notifier = new TakingNotifier(1);
    const seen: string[] = [];
    const unsubscribe = up.rt.bus.subscribe(up.organizationId, (e) => {
      if (e.type === "delivery.changed") seen.push(`${e.notificationId} ${e.status}`);
    });
    up.rt.handover = notifier;
    try {
      await recordResults(up.rt, [down(a, 1), down(b, 1)]);
    } finally {
      up.rt.handover = undefined;
      unsubscribe();
    }

    expect(notifier.taken).toHaveLength(1);
    const [handed] = notifier.taken as [ClaimedDelivery];
    expect(handed).toMatchObject({ channelId, kind: "ntfy", config: { topic: "t" }, attempts: 1 });
    expect(handed.message.notificationId).toBe(handed.id);
    expect(handed.leaseUntil.getTime()).toBe(T0 + 60_000);
    expect(seen).toEqual([`${handed.id} sending`]);
    const written = await rows([a, b]);
    expect(written).toHaveLength(2);
    const mine = written.find((r) => r.id === handed.id)!;
    expect(mine).toMatchObject({ status: "sending", attempts: 1 });
    expect(mine.lease_until?.getTime()).toBe(T0 + 60_000);
    const other = written.find((r) => r.id !== handed.id)!;
    expect(other).toMatchObject({ status: "pending", attempts: 0, lease_until: null });

    // Another notifier's claim takes only the row left pending: the handed one is leased.
    const claimed = (await claimDueDeliveries(up.rt, 10, 60_000)).map((d) => d.id);
    expect(claimed).toContain(other.id);
    expect(claimed).not.toContain(handed.id);

    // The holder records it like any claim.
    const [result] = await recordAttempts(up.rt, [
      { delivery: handed, outcome: { ok: true, statusCode: 200 }, latencyMs: 2, at: clock.now() },
    ]);
    expect(result).toBe("sent");
    expect((await rows([a])).concat(await rows([b])).find((r) => r.id === handed.id)?.status).toBe("sent");
  });

  it("hands nothing over without room, and nothing for a redelivered result", async () => {
    const c = (await createMonitor(up.ctx, monitorDefinition({ name: "c" }))).id;
    const full = new TakingNotifier(0);
    up.rt.handover = full;
    try {
      await recordResults(up.rt, [down(c, 1)]);
      expect(full.taken).toEqual([]);
      expect((await rows([c]))[0]).toMatchObject({ status: "pending", attempts: 0 });

      const roomy = new TakingNotifier(10);
      up.rt.handover = roomy;
      await recordResults(up.rt, [down(c, 1)]);
      expect(roomy.taken).toEqual([]);
      expect(await rows([c])).toHaveLength(1);
    } finally {
      up.rt.handover = undefined;
    }
  });
});
