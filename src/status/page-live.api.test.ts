import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { Agent, fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, call, createMonitor, getJson, waitFor } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { type Receiver, startReceiver } from "../test/receiver.ts";
import { createPage, expectNoneOf, type PageJson, visit } from "../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

interface LiveEvent {
  event: string;
  data: {
    status: { indicator: string; description: string };
    components: Array<{ id: string; status: string; label: string; category: string | null }>;
  };
}

/** A port nothing listens on: bind :0, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Reads `page` events of a status stream until `done` holds; returns them and the raw text. */
async function readEvents(
  body: NonNullable<Awaited<ReturnType<typeof fetch>>["body"]>,
  done: (events: LiveEvent[]) => boolean,
  timeoutMs = 15_000,
): Promise<{ events: LiveEvent[]; raw: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: LiveEvent[] = [];
  let raw = "";
  const timer = setTimeout(() => void reader.cancel("timeout"), timeoutMs);
  try {
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error(`stream ended early: ${raw}`);
      raw += decoder.decode(value, { stream: true });
      events.length = 0;
      for (const block of raw.split("\n\n")) {
        const name = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (name === "page" && data) events.push({ event: name, data: JSON.parse(data) });
      }
    }
    return { events, raw };
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/**
 * A real pipeline (scheduler, probe, evaluator) behind a page: a monitor going down changes the
 * page, its JSON, its badge and its live stream at once (the read model is dropped by the state
 * change, not by its minute-long TTL); ETag and 304 in between; and no output shows targets,
 * addresses, monitor names or raw errors.
 */
describe.each(DB_KINDS)("status pages with live monitors on %s", (kind) => {
  let up: TestUpblit;
  let receiver: Receiver;
  let page: PageJson;
  let apiId: string;
  let cacheId: string;
  let hiddenId: string;
  let port: number;
  const outputs: string[] = [];

  beforeAll(async () => {
    // Upblit's own address is public; the loopback addresses below are the monitors' targets.
    up = await startTestUpblit(kind, { PUBLIC_URL: "https://upblit.example.test" });
    receiver = await startReceiver();
    port = await closedPort();
    const fast = { intervalSeconds: 1, timeoutMs: 800 };
    apiId = (
      await createMonitor(up, {
        // Two failures in a row, and room for a slow answer: a loaded machine must not flip the
        // page between two requests of the 304 test.
        intervalSeconds: 2,
        timeoutMs: 1_900,
        failuresBeforeDown: 2,
        name: "internal-billing-backend",
        type: "http",
        target: `${receiver.origin}/secret-path-xyz?token=hunter2`,
      })
    ).id;
    cacheId = (
      await createMonitor(up, {
        ...fast,
        name: "hidden-cache-node",
        type: "tcp",
        target: `127.0.0.1:${port}`,
      })
    ).id;
    hiddenId = (
      await createMonitor(up, { ...fast, name: "never-shown", type: "tcp", target: `127.0.0.1:${port}` })
    ).id;
    page = await createPage(up, {
      groups: [
        {
          name: "Services",
          components: [
            { monitorId: apiId, displayName: "Billing" },
            { monitorId: cacheId, displayName: "Cache" },
          ],
        },
      ],
    });
    const stateOf = (id: string) =>
      getJson<{ state: string }>(up, `${API}/monitors/${id}`).then((m) => m.state);
    await waitFor(
      () => stateOf(apiId),
      (s) => s === "up",
      15_000,
    );
    // Every monitor settled first: any state change in the organization outdates a page build in
    // flight (it is served once, not kept), which would make the 304 test's second request differ.
    for (const id of [cacheId, hiddenId]) {
      await waitFor(
        () => stateOf(id),
        (s) => s === "down",
        15_000,
      );
    }
  });
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
  });

  it("answers 304 to a matching If-None-Match while nothing changes, results notwithstanding", async () => {
    // Settle first: the state changes of the set-up have follow-ups on the notifier's queue (a
    // status-page draft for the outage) that rebuild the page once, later on a loaded machine.
    // Wait until two reads a second apart agree; then more results must not change the page.
    const etagOf = async () => String((await visit(up, `/status/${page.slug}`)).headers.etag);
    await waitFor(
      async () => {
        const before = await etagOf();
        await new Promise((r) => setTimeout(r, 1_000));
        return before === (await etagOf());
      },
      (settled) => settled,
    );
    const first = await visit(up, `/status/${page.slug}`);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('<h2 id="status-text">Partial System Outage</h2>');
    expect(first.body).toMatch(
      /<span class="label">Major outage<\/span><span class="category"> · Connection failure<\/span>/,
    );
    expect(first.headers["cache-control"]).toBe("public, max-age=30, stale-while-revalidate=60");
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    await new Promise((r) => setTimeout(r, 1_500)); // more results arrive; the page stays the same
    const again = await visit(up, `/status/${page.slug}`, { headers: { "if-none-match": etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    expect(again.headers.etag).toBe(etag);
    expect(again.headers["content-security-policy"]).toBeUndefined();
    const json = await visit(up, `/status/${page.slug}/api/v2/summary.json`);
    const json304 = await visit(up, `/status/${page.slug}/api/v2/summary.json`, {
      headers: { "if-none-match": String(json.headers.etag) },
    });
    expect(json304.statusCode).toBe(304);
    outputs.push(first.body, json.body);
  });

  it("shows a monitor going down everywhere at once, live stream included", async () => {
    const before = await visit(up, `/status/${page.slug}`);
    const etag = String(before.headers.etag);
    const base = await up.app!.listen({ port: 0, host: "127.0.0.1" });
    const client = new Agent();
    try {
      const res = await fetch(`${base}/status/${page.slug}/events`, { dispatcher: client });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const opened = await readEvents(res.body!, (e) => e.length >= 1);
      expect(opened.events[0]!.data.components.find((c) => c.id === apiId)?.status).toBe("operational");

      receiver.answer(500, "internal error at db-17.corp.local");
      const live = await readEvents(res.body!, (e) =>
        e.some((x) => x.data.components.find((c) => c.id === apiId)?.status === "major_outage"),
      );
      const last = live.events.at(-1)!.data;
      expect(last.status).toEqual({ indicator: "critical", description: "Major System Outage" });
      expect(last.components.map((c) => c.id).sort()).toEqual([apiId, cacheId].sort());
      expect(last.components.find((c) => c.id === apiId)).toMatchObject({
        status: "major_outage",
        label: "Major outage",
        category: "HTTP error",
      });
      outputs.push(live.raw);
    } finally {
      await client.destroy();
    }

    const after = await visit(up, `/status/${page.slug}`, { headers: { "if-none-match": etag } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(after.body).toContain('<h2 id="status-text">Major System Outage</h2>');
    expect(after.body).toContain('class="banner critical"');
    expect(after.body).toMatch(
      new RegExp(`data-component="${apiId}" data-status="major_outage"[\\s\\S]*?· HTTP error<`),
    );
    const status = await visit(up, `/status/${page.slug}/api/v2/status.json`);
    expect(status.json()).toMatchObject({ status: { indicator: "critical" } });
    const badge = await visit(up, `/badge/${apiId}/status.svg`);
    expect(badge.statusCode).toBe(200);
    expect(badge.body).toContain("Billing: down");
    const uptime = await visit(up, `/badge/${apiId}/uptime-30d.svg`);
    expect(uptime.body).toMatch(/uptime 30d: \d+(\.\d+)?%/);
    outputs.push(after.body, status.body, badge.body, uptime.body);
    outputs.push((await visit(up, `/status/${page.slug}/api/v2/summary.json`)).body);
  });

  it("never shows targets, addresses, monitor names, raw errors or other monitors", async () => {
    expect(outputs.length).toBeGreaterThanOrEqual(7);
    const results = await call(up, "GET", `${API}/monitors/${cacheId}/results?limit=1`);
    const rawError = results.json<{ items: Array<{ error: { message: string } | null }> }>().items[0]?.error
      ?.message;
    expect(rawError).toBeTruthy();
    const secrets = [
      "127.0.0.1",
      `:${port}`,
      receiver.origin,
      "secret-path",
      "hunter2",
      "internal-billing-backend",
      "hidden-cache-node",
      "never-shown",
      hiddenId,
      "db-17.corp.local",
      "ECONNREFUSED",
      rawError!,
    ];
    for (const [i, text] of outputs.entries()) expectNoneOf(text, secrets, `output ${i}`);
    expect((await visit(up, `/badge/${hiddenId}/status.svg`)).statusCode).toBe(404);
  });
});
