import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { newId } from "../../../lib/ids.ts";
import { ACK_LINK_TTL_MS, signAckToken } from "../../../services/alerts/ack-links.ts";
import { RATE_LIMITS } from "../../../services/rate-limit/settings.ts";
import { otherOrganization, signInAs } from "../../../test/accounts.ts";
import {
  ackPath,
  alertingMonitor,
  delivered,
  deliveryLog,
  received,
  record,
  settled,
  webhookChannel,
} from "../../../test/alert-routing.ts";
import { API, call, expectProblem, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { type Receiver, startReceiver } from "../../../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface IncidentJson {
  acknowledgedAt: string | null;
  acknowledgedBy: { type: string; id: string | null; name: string } | null;
  acknowledgeNote: string | null;
}

/**
 * Acknowledging an incident by API and by the signed link in its alerts: who and when are
 * recorded and shown, the page a link opens changes nothing, and every bad link gets its own page.
 */
describe.each(DB_KINDS)("acknowledging incidents on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 5, 1));
  let up: TestUpblit;
  let receiver: Receiver;
  let channelId: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,notifier" }, { clock, notifierPollMs: 25 });
    receiver = await startReceiver();
    channelId = await webhookChannel(up, receiver, "ops", {
      isDefault: true,
      events: ["down", "up", "acknowledged"],
    });
  });
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
  });

  /** A monitor gone down, its down alert delivered: the incident id and the alert's acknowledge link. */
  async function downAlert(name: string): Promise<{ monitorId: string; incidentId: string; link: string }> {
    const monitorId = await alertingMonitor(up, name);
    await record(up, clock, monitorId, "down");
    await received(up, receiver, receiver.requests.length + 1);
    const down = delivered(receiver).at(-1)!;
    return {
      monitorId,
      incidentId: (down.data.incident as { id: string }).id,
      link: ackPath(down.data.acknowledgeUrl),
    };
  }
  const incident = async (id: string) =>
    (await call(up, "GET", `${API}/incidents/${id}`)).json<IncidentJson>();
  const page = (method: "GET" | "POST", url: string, form?: string) =>
    up.app!.inject({
      method,
      url,
      ...(form === undefined
        ? {}
        : { payload: form, headers: { "content-type": "application/x-www-form-urlencoded" } }),
    });

  it("by API: records who, when and the note, shows them on the incident, audits, and refuses a second time", async () => {
    const { incidentId } = await downAlert("api acknowledged");
    expect(await incident(incidentId)).toMatchObject({ acknowledgedAt: null, acknowledgedBy: null });
    clock.advance(60_000);
    const res = await call(up, "POST", `${API}/incidents/${incidentId}/acknowledge`, {
      note: "rolling back",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      incidentId,
      acknowledgedAt: new Date(clock.now()).toISOString(),
      acknowledgedBy: { type: "apiKey", id: expect.stringMatching(/^key_/), name: "API key tests" },
      note: "rolling back",
    });
    expect(await incident(incidentId)).toMatchObject({
      acknowledgedAt: new Date(clock.now()).toISOString(),
      acknowledgedBy: { type: "apiKey", name: "API key tests" },
      acknowledgeNote: "rolling back",
    });
    const audit = await up.rt.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "incident.acknowledge")
      .where("target_id", "=", incidentId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_type).toBe("api_key");
    expect(audit[0]!.summary).toMatchObject({ note: "rolling back", via: "api" });
    const again = await call(up, "POST", `${API}/incidents/${incidentId}/acknowledge`);
    expect(expectProblem(again, 409, "CONFLICT").detail).toContain("already acknowledged by API key tests");
    // The channel that got the down alert hears the acknowledgement, once.
    await received(up, receiver, 2);
    const ack = delivered(receiver)[1]!;
    expect(ack.type).toBe("incident.acknowledged");
    expect(ack.data.acknowledgeUrl).toBeNull();
  });

  it("by API: a person's acknowledgement names them; a viewer may not acknowledge", async () => {
    const { incidentId } = await downAlert("person acknowledged");
    const viewer = await signInAs(up, "viewer");
    const refused = await call(
      up,
      "POST",
      `${API}/incidents/${incidentId}/acknowledge`,
      undefined,
      viewer.headers,
    );
    expectProblem(refused, 403, "FORBIDDEN");
    const editor = await signInAs(up, "editor");
    const res = await call(up, "POST", `${API}/incidents/${incidentId}/acknowledge`, {}, editor.headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(await incident(incidentId)).toMatchObject({
      acknowledgedBy: { type: "user", id: editor.userId, name: editor.email },
      acknowledgeNote: null,
    });
    await received(up, receiver, 2);
    expect(delivered(receiver)[1]!.data).toMatchObject({ incident: { id: incidentId } });
  });

  it("by API: a resolved incident and another organization's incident are refused", async () => {
    const { monitorId, incidentId } = await downAlert("recovered before anyone looked");
    await record(up, clock, monitorId, "up");
    await settled(up);
    const resolved = await call(up, "POST", `${API}/incidents/${incidentId}/acknowledge`);
    expect(expectProblem(resolved, 409, "CONFLICT").detail).toContain("already resolved");

    const b = await otherOrganization(up, "Other org");
    const foreignMonitor = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("tcp", { name: "B's monitor" }),
      b.headers,
    );
    const foreignIncident = newId("inc");
    await up.rt.db
      .insertInto("incidents")
      .values({
        id: foreignIncident,
        organization_id: b.organizationId,
        monitor_id: foreignMonitor.json<{ id: string }>().id,
        status: "open",
        cause: "theirs",
        started_at: new Date(clock.now()),
      })
      .execute();
    const foreign = await call(up, "POST", `${API}/incidents/${foreignIncident}/acknowledge`);
    const missing = await call(up, "POST", `${API}/incidents/inc_00000000000000000000000000/acknowledge`);
    expectProblem(foreign, 404, "NOT_FOUND");
    expectProblem(missing, 404, "NOT_FOUND");
    const rows = await up.rt.db.selectFrom("incident_acknowledgements").select("incident_id").execute();
    expect(rows.map((r) => r.incident_id)).not.toContain(foreignIncident);
  });

  it("by link: the page a GET shows acknowledges nothing; its form's POST does, as the link's channel", async () => {
    const { incidentId, link } = await downAlert("Checkout <API>");
    for (let i = 0; i < 3; i++) {
      const shown = await page("GET", link);
      expect(shown.statusCode, shown.body).toBe(200);
      expect(shown.headers["content-type"]).toMatch(/^text\/html/);
      expect(shown.headers["cache-control"]).toBe("no-store");
      expect(shown.headers["referrer-policy"]).toBe("no-referrer");
      expect(shown.headers["content-security-policy"]).toContain("default-src 'none'");
      expect(shown.headers["content-security-policy"]).toContain("form-action 'self'");
      expect(shown.body).toContain('<form method="post">');
      expect(shown.body).toContain("Checkout &lt;API&gt;");
      expect(shown.body).not.toContain("<script");
    }
    expect((await incident(incidentId)).acknowledgedAt).toBeNull();
    // The token is a credential: request log lines show the path without it.
    expect(JSON.stringify(up.logs)).not.toContain(link.slice("/ack/".length));
    expect(up.logs.some((l) => l.url === "/ack/…")).toBe(true);

    const done = await page("POST", link, "note=on+my+way");
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain("Acknowledged");
    expect(await incident(incidentId)).toMatchObject({
      acknowledgedBy: { type: "link", id: channelId, name: "link from channel ops" },
      acknowledgeNote: "on my way",
    });
    const audit = await up.rt.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "incident.acknowledge")
      .where("target_id", "=", incidentId)
      .execute();
    expect(audit.map((a) => [a.organization_id, a.summary])).toEqual([
      [up.organizationId, { by: "link from channel ops", via: "link", note: "on my way" }],
    ]);
    await received(up, receiver, 2);
    expect(deliveryLog(receiver)[1]).toEqual(["ops", "incident.acknowledged"]);
    expect(delivered(receiver)[1]!.data).toMatchObject({ incident: { id: incidentId } });

    // Replaying the link, by either method, says who acknowledged it and changes nothing.
    for (const method of ["POST", "GET"] as const) {
      const replay = await page(method, link, method === "POST" ? "" : undefined);
      expect(replay.statusCode).toBe(409);
      expect(replay.body).toContain("Already acknowledged");
      expect(replay.body).toContain("link from channel ops");
    }
    const rows = await up.rt.db
      .selectFrom("incident_acknowledgements")
      .selectAll()
      .where("incident_id", "=", incidentId)
      .execute();
    expect(rows).toHaveLength(1);
    await settled(up);
    expect(receiver.requests).toHaveLength(2);
  });

  it("by link: a resolved incident's link says so and acknowledges nothing", async () => {
    const { monitorId, incidentId, link } = await downAlert("already fine");
    await record(up, clock, monitorId, "up");
    for (const method of ["GET", "POST"] as const) {
      const res = await page(method, link, method === "POST" ? "" : undefined);
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain("Already resolved");
    }
    expect((await incident(incidentId)).acknowledgedAt).toBeNull();
  });

  it("by link: expired and tampered links get their own page and acknowledge nothing", async () => {
    const { incidentId, link } = await downAlert("expiring");
    const start = clock.now();
    clock.set(start + ACK_LINK_TTL_MS);
    for (const method of ["GET", "POST"] as const) {
      const expired = await page(method, link, method === "POST" ? "" : undefined);
      expect(expired.statusCode).toBe(410);
      expect(expired.body).toContain("expired");
    }
    clock.set(start + 60_000);
    const [payload, signature] = link.slice("/ack/".length).split(".") as [string, string];
    const tampered = [
      `/ack/${payload}.${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`,
      `/ack/${payload.slice(0, -1)}${payload.endsWith("A") ? "B" : "A"}.${signature}`,
      `/ack/${payload}`,
      `/ack/${"x".repeat(500)}`,
    ];
    for (const url of tampered) {
      for (const method of ["GET", "POST"] as const) {
        const res = await page(method, url, method === "POST" ? "" : undefined);
        expect(res.statusCode, url).toBe(400);
        expect(res.headers["content-type"]).toMatch(/^text\/html/);
        expect(res.body).toContain("not valid");
      }
    }
    // Beyond what the router takes at all: refused before routing, still a 400.
    expect((await page("GET", `/ack/${"x".repeat(5_000)}`)).statusCode).toBe(400);
    expect((await incident(incidentId)).acknowledgedAt).toBeNull();
    // The untouched link still works once the clock is back within its week.
    expect((await page("POST", link, "")).statusCode).toBe(200);
  });

  it("by link: a signed link naming another organization's incident finds nothing (404)", async () => {
    const b = await otherOrganization(up, "Org of the incident");
    const monitor = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("tcp", { name: "B's db" }),
      b.headers,
    );
    const theirs = newId("inc");
    await up.rt.db
      .insertInto("incidents")
      .values({
        id: theirs,
        organization_id: b.organizationId,
        monitor_id: monitor.json<{ id: string }>().id,
        status: "open",
        cause: "theirs",
        started_at: new Date(clock.now()),
      })
      .execute();
    const token = signAckToken(up.rt.keys.links, {
      incidentId: theirs,
      organizationId: up.organizationId,
      notificationId: newId("ntf"),
      channelId,
      expiresAt: clock.now() + 60_000,
    });
    for (const method of ["GET", "POST"] as const) {
      const res = await page(method, `/ack/${token}`, method === "POST" ? "" : undefined);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain("B's db");
    }
    const rows = await up.rt.db
      .selectFrom("incident_acknowledgements")
      .select("incident_id")
      .where("incident_id", "=", theirs)
      .execute();
    expect(rows).toEqual([]);
  });

  it("by link: a note with control characters or a JSON body is refused", async () => {
    const { incidentId, link } = await downAlert("picky");
    const control = await page("POST", link, "note=%1B%5B31mred");
    expect(control.statusCode).toBe(400);
    const json = await up.app!.inject({ method: "POST", url: link, payload: { note: "x" } });
    expect(json.statusCode).toBe(415);
    expect((await incident(incidentId)).acknowledgedAt).toBeNull();
  });
});

describe("acknowledge links are rate-limited", () => {
  it("refuses a burst of link requests from one address with 429 and Retry-After", async () => {
    const up = await startTestUpblit(
      "pglite",
      { UPBLIT_ROLES: "api" },
      {
        rateLimits: {
          ...RATE_LIMITS,
          keyPrefix: `test:${newId("req")}`,
        },
      },
    );
    try {
      const codes: number[] = [];
      let last: Awaited<ReturnType<NonNullable<typeof up.app>["inject"]>> | undefined;
      for (let i = 0; i < 30; i++) {
        last = await up.app!.inject({ method: "GET", url: `/ack/forged${i}.signature` });
        codes.push(last.statusCode);
        if (last.statusCode === 429) break;
      }
      expect(codes.slice(0, 20).every((c) => c === 400)).toBe(true);
      expect(codes.at(-1)).toBe(429);
      expect(Number(last!.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(last!.headers["content-type"]).toMatch(/^text\/html/);
    } finally {
      await up.close();
    }
  });
});
