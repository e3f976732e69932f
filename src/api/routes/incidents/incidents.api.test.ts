import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import type { LiveEvent } from "../../../queue/bus.ts";
import { otherOrganization, signInAs, type TestUser } from "../../../test/accounts.ts";
import { alertingMonitor, delivered, received, record, webhookChannel } from "../../../test/alert-routing.ts";
import { API, call, expectProblem, waitFor } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { type Receiver, startReceiver } from "../../../test/receiver.ts";
import { createPage } from "../../../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface Item {
  kind: string;
  at: string;
  [key: string]: unknown;
}

/**
 * Incidents as a workflow: assignee, workflow status, notes, postmortem, the merged timeline, live
 * events, audit, and a status-page draft prefilled from an incident. Real alerts flow through a
 * webhook receiver so the timeline's notifications are real ones.
 */
describe.each(DB_KINDS)("incident workflow on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2032, 2, 1));
  let up: TestUpblit;
  let receiver: Receiver;
  let editor: TestUser;
  let viewer: TestUser;
  const live: LiveEvent[] = [];

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,notifier" }, { clock, notifierPollMs: 25 });
    receiver = await startReceiver();
    await webhookChannel(up, receiver, "ops", { isDefault: true, events: ["down", "up", "acknowledged"] });
    editor = await signInAs(up, "editor");
    viewer = await signInAs(up, "viewer");
    up.rt.bus.subscribe(up.organizationId, (e) => live.push(e));
  }, 180_000);
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
  });

  /** A monitor gone down with its down alert delivered; the incident id. */
  async function downIncident(name: string): Promise<{ monitorId: string; incidentId: string }> {
    const monitorId = await alertingMonitor(up, name);
    const before = receiver.requests.length;
    await record(up, clock, monitorId, "down");
    await received(up, receiver, before + 1);
    const alert = delivered(receiver).at(-1)!.data;
    const incidentId = (alert.incident as { id: string }).id;
    // The alert links to the incident's page as well as the monitor's (docs/deep-links.md).
    expect(alert.incidentUrl).toBe(`${up.rt.auth.publicUrl}/incidents/${incidentId}`);
    expect(alert.monitorUrl).toBe(`${up.rt.auth.publicUrl}/monitors/${monitorId}`);
    return { monitorId, incidentId };
  }
  const get = async (id: string, headers: Record<string, string> = {}) => {
    const res = await call(up, "GET", `${API}/incidents/${id}`, undefined, headers);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Record<string, unknown>>();
  };
  const patch = (id: string, body: unknown, headers: Record<string, string> = editor.headers) =>
    call(up, "PATCH", `${API}/incidents/${id}`, body, headers);
  const timeline = async (id: string, headers: Record<string, string> = {}) => {
    const res = await call(up, "GET", `${API}/incidents/${id}/timeline`, undefined, headers);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: Item[]; truncated: boolean }>();
  };

  it("runs an incident from down to postmortem: assign, status, notes, acknowledge, automatic resolution", async () => {
    const { monitorId, incidentId } = await downIncident("checkout");
    expect(await get(incidentId)).toMatchObject({
      id: incidentId,
      status: "open",
      workflowStatus: "investigating",
      workflowResolvedBy: null,
      assignee: null,
      postmortem: null,
      monitor: { id: monitorId, name: "checkout", type: "http", state: "down" },
      acknowledgement: null,
    });

    clock.advance(60_000);
    const assigned = await patch(incidentId, { assigneeId: editor.userId, workflowStatus: "identified" });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json()).toMatchObject({
      workflowStatus: "identified",
      assigneeId: editor.userId,
      assignee: { id: editor.userId, email: editor.email },
      status: "open",
    });

    // Someone of another organization is no member: refused, naming the field.
    const stranger = await otherOrganization(up, "Strangers");
    const foreign = await patch(incidentId, { assigneeId: stranger.userId });
    expect(expectProblem(foreign, 400, "VALIDATION").errors).toEqual([
      { path: "body.assigneeId", message: "is not a member of this organization" },
    ]);
    // No postmortem before resolution.
    const early = await patch(incidentId, { postmortem: "# Too early" });
    expect(expectProblem(early, 409, "CONFLICT").errors[0]!.path).toBe("body.postmortem");
    expectProblem(await patch(incidentId, {}), 400, "VALIDATION");

    clock.advance(60_000);
    const note = await call(
      up,
      "POST",
      `${API}/incidents/${incidentId}/notes`,
      { body: "Rolled back **v2**. <script>alert(1)</script> [x](javascript:alert(1))" },
      editor.headers,
    );
    expect(note.statusCode, note.body).toBe(201);
    const noteJson = note.json<{ id: string; html: string; body: string; by: unknown }>();
    expect(noteJson.body).toContain("<script>");
    expect(noteJson.html).toContain("<strong>v2</strong>");
    expect(noteJson.html).not.toMatch(/<script|javascript:/);
    expect(noteJson.by).toEqual({ type: "user", id: editor.userId, name: editor.email });
    const tooLong = await call(up, "POST", `${API}/incidents/${incidentId}/notes`, {
      body: "x".repeat(10_001),
    });
    expectProblem(tooLong, 400, "VALIDATION");

    // Viewers read everything and change nothing.
    const notes = await call(up, "GET", `${API}/incidents/${incidentId}/notes`, undefined, viewer.headers);
    expect(notes.json<{ items: Array<{ id: string }> }>().items.map((n) => n.id)).toEqual([noteJson.id]);
    expectProblem(
      await patch(incidentId, { workflowStatus: "monitoring" }, viewer.headers),
      403,
      "FORBIDDEN",
    );
    const viewerNote = await call(
      up,
      "POST",
      `${API}/incidents/${incidentId}/notes`,
      { body: "hi" },
      viewer.headers,
    );
    expectProblem(viewerNote, 403, "FORBIDDEN");

    clock.advance(60_000);
    const ack = await call(up, "POST", `${API}/incidents/${incidentId}/acknowledge`, {}, editor.headers);
    expect(ack.statusCode, ack.body).toBe(200);
    await received(up, receiver, receiver.requests.length + 1);
    clock.advance(60_000);
    expect(await patch(incidentId, { workflowStatus: "monitoring" })).toMatchObject({ statusCode: 200 });

    // The monitor recovers: resolved automatically, and said so.
    clock.advance(60_000);
    const before = receiver.requests.length;
    await record(up, clock, monitorId, "up");
    await received(up, receiver, before + 1);
    expect(await get(incidentId, viewer.headers)).toMatchObject({
      status: "resolved",
      workflowStatus: "resolved",
      workflowResolvedBy: "monitor",
      acknowledgement: { by: { type: "user", id: editor.userId } },
    });
    const reopen = await patch(incidentId, { workflowStatus: "investigating" });
    expect(expectProblem(reopen, 409, "CONFLICT").errors[0]!.path).toBe("body.workflowStatus");

    clock.advance(60_000);
    const pm = await patch(incidentId, {
      postmortem: "## What happened\n\nA bad deploy. <img src=x onerror=alert(1)>",
    });
    expect(pm.statusCode, pm.body).toBe(200);
    const pmJson = pm.json<{ postmortem: string; postmortemHtml: string }>();
    expect(pmJson.postmortem).toContain("## What happened");
    expect(pmJson.postmortemHtml).toContain("<h5>What happened</h5>");
    expect(pmJson.postmortemHtml).not.toMatch(/<img|onerror/);

    const { items, truncated } = await timeline(incidentId, viewer.headers);
    expect(truncated).toBe(false);
    const times = items.map((i) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const kinds = items.map((i) => i.kind);
    expect(kinds).toEqual([
      "region_failing",
      "opened",
      "state",
      "notification",
      "workflow_status",
      "assignee",
      "note",
      "acknowledged",
      "notification",
      "workflow_status",
      "region_recovered",
      "state",
      "resolved",
      "notification",
      "postmortem",
    ]);
    const byKind = (k: string) => items.filter((i) => i.kind === k);
    expect(byKind("region_failing")[0]).toMatchObject({ region: "local", status: "down" });
    expect(byKind("state").map((s) => s.to)).toEqual(["down", "up"]);
    expect(
      byKind("notification").map((n) => [n.event, n.status, (n.channel as { name: string }).name]),
    ).toEqual([
      ["down", "sent", "ops"],
      ["acknowledged", "sent", "ops"],
      ["up", "sent", "ops"],
    ]);
    expect(byKind("resolved")[0]).toMatchObject({ automatic: true });
    expect(byKind("workflow_status").map((s) => [s.from, s.to])).toEqual([
      ["investigating", "identified"],
      ["identified", "monitoring"],
    ]);
    expect(byKind("assignee")[0]).toMatchObject({
      from: null,
      to: { id: editor.userId, name: editor.email },
    });
    expect(byKind("note")[0]).toMatchObject({ id: noteJson.id, html: noteJson.html });
    expect(byKind("postmortem")[0]).toMatchObject({ action: "written", by: { id: editor.userId } });

    // Every write is audited; live clients heard each change.
    const audit = await up.rt.db
      .selectFrom("audit_log")
      .select(["action", "actor_id"])
      .where("target_id", "=", incidentId)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "incident.update",
      "incident.note",
      "incident.acknowledge",
      "incident.update",
      "incident.update",
    ]);
    expect(new Set(audit.map((a) => a.actor_id))).toEqual(new Set([editor.userId]));
    const changes = live.flatMap((e) =>
      e.type === "incident.changed" && e.incidentId === incidentId ? [e.change] : [],
    );
    expect(changes).toEqual(["opened", "updated", "note", "acknowledged", "updated", "resolved", "updated"]);
  });

  it("a person may resolve before the monitor recovers; the lifecycle stays open until it does", async () => {
    const { monitorId, incidentId } = await downIncident("search");
    const res = await patch(incidentId, { workflowStatus: "resolved", postmortem: "Known upstream fault." });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: "open",
      workflowStatus: "resolved",
      workflowResolvedBy: "person",
    });
    const before = receiver.requests.length;
    clock.advance(60_000);
    await record(up, clock, monitorId, "up");
    await received(up, receiver, before + 1);
    expect(await get(incidentId)).toMatchObject({
      status: "resolved",
      workflowStatus: "resolved",
      workflowResolvedBy: "person",
      postmortem: "Known upstream fault.",
    });
    const kinds = (await timeline(incidentId)).items.map((i) => i.kind);
    expect(kinds.indexOf("workflow_status")).toBeLessThan(kinds.indexOf("resolved"));
  });

  it("opens a draft status-page incident prefilled from an incident, once per page", async () => {
    // A page that shows the monitor when the incident opens gets a draft from the notifier; once
    // it exists, the notifier's job has listed its pages, and a page made now has no draft yet.
    const monitorId = await alertingMonitor(up, "internal-db-7");
    const early = await createPage(up, {
      groups: [{ name: "Core", components: [{ monitorId, displayName: "Database" }] }],
    });
    const before = receiver.requests.length;
    await record(up, clock, monitorId, "down");
    await received(up, receiver, before + 1);
    const incidentId = (delivered(receiver).at(-1)!.data.incident as { id: string }).id;
    const auto = await waitFor(
      () =>
        up.rt.db
          .selectFrom("status_incidents")
          .select("id")
          .where("monitor_incident_id", "=", incidentId)
          .where("page_id", "=", early.id)
          .executeTakeFirst(),
      (row) => row !== undefined,
      30_000,
    );
    const url = `${API}/incidents/${incidentId}/status-page-incident`;
    const existing = await call(up, "POST", url, { statusPageId: early.id });
    expect(existing.statusCode, existing.body).toBe(200);
    expect(existing.json()).toMatchObject({ id: auto!.id, created: false });

    const page = await createPage(up, {
      groups: [{ name: "Core", components: [{ monitorId, displayName: "Public API" }] }],
    });
    await patch(incidentId, { workflowStatus: "identified" });
    expectProblem(await call(up, "POST", url, { statusPageId: page.id }, viewer.headers), 403, "FORBIDDEN");
    const made = await call(up, "POST", url, { statusPageId: page.id }, editor.headers);
    expect(made.statusCode, made.body).toBe(201);
    const body = made.json<{
      id: string;
      created: boolean;
      statusIncident: Record<string, unknown> & { updates: Array<{ body: string; status: string }> };
    }>();
    expect(body.created).toBe(true);
    expect(body.statusIncident).toMatchObject({
      id: body.id,
      pageId: page.id,
      published: false,
      status: "identified",
      impact: "critical",
      title: "Major outage: Public API",
      componentIds: [monitorId],
      monitorIncidentId: incidentId,
    });
    expect(body.statusIncident.updates).toHaveLength(1);
    expect(body.statusIncident.updates[0]!.body).toContain("Public API");
    expect(made.body).not.toContain("internal-db-7");
    const again = await call(up, "POST", url, { statusPageId: page.id }, editor.headers);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ id: body.id, created: false });
    expect((await get(incidentId)).statusPageIncidents).toEqual(
      [
        { id: auto!.id, pageId: early.id, published: false },
        { id: body.id, pageId: page.id, published: false },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const onTimeline = (await timeline(incidentId)).items.filter((i) => i.kind === "status_page_incident");
    expect(onTimeline.map((i) => i.statusIncidentId)).toEqual([auto!.id, body.id]);
    // Another organization's page is not found, and nothing is drafted there.
    const stranger = await otherOrganization(up, "Other pages");
    const theirs = await createPage(up, { title: "Theirs" }, stranger.headers);
    expectProblem(await call(up, "POST", url, { statusPageId: theirs.id }), 404, "NOT_FOUND");
    const drafts = await up.rt.db
      .selectFrom("status_incidents")
      .select("id")
      .where("page_id", "=", theirs.id)
      .execute();
    expect(drafts).toEqual([]);
  });
});
