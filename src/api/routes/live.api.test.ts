import type { ReadableStream } from "node:stream/web";
import { Agent, fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../lib/ids.ts";
import { createChannel } from "../../services/alerts/channels.ts";
import { signInAs, type TestUser } from "../../test/accounts.ts";
import {
  API,
  authHeaders,
  call,
  createMonitor,
  monitorBody,
  REQUEST_ID,
  startTarget,
  type TargetServer,
} from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { PATIENCE_MS, scaledTimeout } from "../../test/patience.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads server-sent events until `done` holds for the events so far; fails after `timeoutMs`. */
async function readUntil(
  body: ReadableStream<Uint8Array>,
  done: (events: SseEvent[]) => boolean,
  timeoutMs = PATIENCE_MS,
): Promise<{ events: SseEvent[]; raw: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let raw = "";
  let buffer = "";
  const timer = setTimeout(() => void reader.cancel("timeout"), scaledTimeout(timeoutMs));
  try {
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error(`stream ended before the expected events; got ${raw}`);
      const text = decoder.decode(value, { stream: true });
      raw += text;
      buffer += text;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (name && data) events.push({ event: name, data: JSON.parse(data) });
        end = buffer.indexOf("\n\n");
      }
    }
    return { events, raw };
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

describe.each(DB_KINDS)("live events (SSE) on %s", (kind) => {
  let up: TestUpblit;
  let target: TargetServer;
  let base: string;
  beforeAll(async () => {
    up = await startTestUpblit(kind);
    target = await startTarget(200);
    base = await up.app!.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await up?.close();
    await target?.close();
  });

  it("streams monitor.state and check.result events of a checked monitor", async () => {
    // An own client, destroyed at the end, so no idle keep-alive socket delays the app's close.
    const client = new Agent();
    try {
      const res = await fetch(`${base}${API}/events`, { dispatcher: client, headers: authHeaders(up) });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(res.headers.get("cache-control")).toContain("no-cache");
      expect(res.headers.get("x-request-id")).toMatch(REQUEST_ID);

      const m = await createMonitor(
        up,
        monitorBody("http", { name: "live", target: target.url, intervalSeconds: 1, timeoutMs: 800 }),
      );
      const mine = (events: SseEvent[]) => events.filter((e) => e.data.monitorId === m.id);
      const { events, raw } = await readUntil(res.body!, (all) => {
        const own = mine(all);
        return own.some((e) => e.event === "monitor.state") && own.some((e) => e.event === "check.result");
      });
      expect(raw.startsWith(": connected\n\n")).toBe(true);

      const state = mine(events).find((e) => e.event === "monitor.state")!;
      expect(state.data).toEqual({
        type: "monitor.state",
        monitorId: m.id,
        from: "pending",
        to: "up",
        at: expect.any(String),
        incidentId: null,
      });
      const result = mine(events).find((e) => e.event === "check.result")!;
      expect(result.data).toEqual({
        type: "check.result",
        monitorId: m.id,
        region: "local",
        status: "up",
        slotAt: expect.any(String),
        totalMs: expect.any(Number),
      });
      expect(Date.parse(result.data.slotAt as string)).not.toBeNaN();
      // The tenant id stays on the server.
      expect(raw).not.toContain("organizationId");
      expect(raw).not.toContain(up.organizationId);

      const paused = await fetch(`${base}${API}/monitors/${m.id}/pause`, {
        method: "POST",
        dispatcher: client,
        headers: authHeaders(up),
      });
      expect(paused.status).toBe(200);
      expect(await paused.json()).toMatchObject({ id: m.id, state: "paused" });
    } finally {
      await client.destroy();
    }
  });

  it("streams delivery.changed when a dead letter is sent again, without the tenant id", async () => {
    const channel = await createChannel(up.ctx, {
      name: "live-deliveries",
      kind: "ntfy",
      config: { topic: "t" },
      secrets: {},
      isDefault: false,
      events: ["down"],
    });
    const id = newId("ntf");
    const now = new Date(up.rt.clock.now());
    await up.rt.db
      .insertInto("notifications")
      .values({
        id,
        organization_id: up.organizationId,
        channel_id: channel.id,
        event: "down",
        message: JSON.stringify({ notificationId: id }),
        status: "failed",
        next_attempt_at: now,
        give_up_at: now,
        created_at: now,
      })
      .execute();
    const client = new Agent();
    try {
      const res = await fetch(`${base}${API}/events`, { dispatcher: client, headers: authHeaders(up) });
      expect(res.status).toBe(200);
      const retried = await call(up, "POST", `${API}/notifications/retry`, { ids: [id] });
      expect(retried.statusCode, retried.body).toBe(202);
      const { events, raw } = await readUntil(res.body!, (all) =>
        all.some((e) => e.event === "delivery.changed" && e.data.notificationId === id),
      );
      expect(
        events.find((e) => e.event === "delivery.changed" && e.data.notificationId === id)?.data,
      ).toEqual({
        type: "delivery.changed",
        notificationId: id,
        channelId: channel.id,
        status: "pending",
      });
      expect(raw).not.toContain(up.organizationId);
    } finally {
      await client.destroy();
    }
  });

  it.each([
    ["logout", async (u: TestUser) => call(up, "POST", `${API}/auth/logout`, undefined, u.headers)],
    [
      "removal from the organization",
      async (u: TestUser) => up.rt.db.deleteFrom("memberships").where("user_id", "=", u.userId).execute(),
    ],
    [
      "logout everywhere",
      async (u: TestUser) => call(up, "POST", `${API}/auth/logout-everywhere`, undefined, u.headers),
    ],
  ])("ends an open stream within seconds of %s", async (_case, end) => {
    const user = await signInAs(up, "viewer");
    const client = new Agent();
    try {
      const res = await fetch(`${base}${API}/events`, { dispatcher: client, headers: user.headers });
      expect(res.status).toBe(200);
      const body = res.body as ReadableStream<Uint8Array>;
      await end(user);
      // Only the stream's own re-check (every RECHECK_MS) sends session.ended and ends it; a
      // stream that is never re-checked stays open, and readUntil reports that. How long it took
      // is not asserted: on a busy machine the re-check's timer and query run late.
      const { events } = await readUntil(body, (evs) => evs.some((e) => e.event === "session.ended"));
      expect(events.at(-1)?.event).toBe("session.ended");
    } finally {
      await client.destroy();
    }
  });
});
